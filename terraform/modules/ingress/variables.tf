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

variable "idle_timeout_s" {
  # Long enough for the server-sent events of GET /api/v1/scans/{id}/events between keep-alive comments.
  # The edge keeps idle connections open longer than this (helm config.loadBalancerIdleTimeoutS, the
  # same number; tests/infra/test_keep_alive.py checks they agree), so the ALB never reuses one the
  # edge has closed.
  description = "Seconds the ALB keeps an idle connection open"
  type        = number
  default     = 120
}
