variable "name" {
  description = "Name prefix of every resource"
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC"
  type        = string
}

variable "azs" {
  description = "Availability zones, one public and one private subnet in each"
  type        = list(string)
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all private subnets (cheaper) instead of one per AZ"
  type        = bool
  default     = true
}

variable "admin_cidrs" {
  description = "CIDRs allowed to reach SSH (22) and the Kubernetes API (6443) of the nodes"
  type        = list(string)
}

variable "ingress_node_port" {
  description = "NodePort of the ingress controller's HTTP service that the ALB forwards to"
  type        = number
}

variable "flow_log_bucket_arn" {
  description = "S3 bucket (ARN) receiving the VPC flow logs"
  type        = string
}

variable "tags" {
  description = "Tags on every resource"
  type        = map(string)
  default     = {}
}
