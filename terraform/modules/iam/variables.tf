variable "name" {
  description = "Name prefix of every resource"
  type        = string
}

variable "images_bucket_arn" {
  description = "ARN of the scan images bucket the application presigns URLs for"
  type        = string
}

variable "images_kms_key_arn" {
  description = "KMS key of the images bucket"
  type        = string
}

variable "tags" {
  description = "Tags on every resource"
  type        = map(string)
  default     = {}
}
