variable "region" {
  description = "AWS region"
  type        = string
  default     = "ap-northeast-2"
}

variable "environment" {
  description = "Environment name"
  type        = string
  default     = "prod"
}

variable "name" {
  description = "Name prefix of every resource (also the Kubernetes cluster name)"
  type        = string
  default     = "wastecoach-prod"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC"
  type        = string
  default     = "10.40.0.0/16"
}

variable "azs" {
  description = "Availability zones"
  type        = list(string)
  default     = ["ap-northeast-2a", "ap-northeast-2c"]
}

variable "admin_cidrs" {
  description = "CIDRs (VPN / bastion) allowed to SSH and reach the Kubernetes API"
  type        = list(string)
}

variable "key_name" {
  description = "EC2 key pair name used by ansible"
  type        = string
}

variable "zone_name" {
  description = "Route53 public hosted zone"
  type        = string
}

variable "api_subdomain" {
  description = "Subdomain of the API host in the zone"
  type        = string
  default     = "api"
}

variable "images_bucket_name" {
  description = "Scan images bucket name (globally unique)"
  type        = string
}

variable "logs_bucket_name" {
  description = "Logs bucket name (globally unique)"
  type        = string
}

variable "image_expiry_days" {
  description = "Days before scan images expire"
  type        = number
  default     = 30
}

variable "control_plane_count" {
  description = "kubeadm control plane nodes (1 or 3)"
  type        = number
  default     = 3
}

variable "worker_count" {
  description = "kubeadm worker nodes"
  type        = number
  default     = 3
}

variable "ingress_node_port" {
  description = "NodePort of ingress-nginx's HTTP service (the ALB target port)"
  type        = number
  default     = 30080
}
