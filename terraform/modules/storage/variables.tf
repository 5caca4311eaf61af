variable "name" {
  description = "Name prefix of every resource"
  type        = string
}

variable "images_bucket_name" {
  description = "Name of the private bucket holding scan images"
  type        = string
}

variable "logs_bucket_name" {
  description = "Name of the bucket receiving S3 access logs, ALB access logs and VPC flow logs"
  type        = string
}

variable "image_expiry_days" {
  description = "Days after which uploaded scan images expire"
  type        = number
  default     = 30
}

variable "log_expiry_days" {
  description = "Days after which access and flow logs expire"
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags on every resource"
  type        = map(string)
  default     = {}
}
