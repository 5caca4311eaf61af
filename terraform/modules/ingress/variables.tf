variable "name" {
  description = "Name prefix of every resource"
  type        = string
}

variable "vpc_id" {
  description = "VPC of the ALB and its targets"
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets of the ALB"
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the ALB"
  type        = string
}

variable "zone_name" {
  description = "Route53 hosted zone (e.g. wastecoach.example)"
  type        = string
}

variable "api_domain" {
  description = "Host name of the API (e.g. api.wastecoach.example)"
  type        = string
}

variable "target_instance_ids" {
  description = "Worker instances running the ingress controller"
  type        = list(string)
}

variable "ingress_node_port" {
  description = "NodePort of the ingress controller's HTTP service"
  type        = number
}

variable "logs_bucket_name" {
  description = "Bucket receiving the ALB access logs"
  type        = string
}

variable "tags" {
  description = "Tags on every resource"
  type        = map(string)
  default     = {}
}
