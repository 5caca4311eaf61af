output "images_bucket_name" {
  description = "Name of the scan images bucket (WASTECOACH_S3_BUCKET)"
  value       = aws_s3_bucket.images.id
}

output "images_bucket_arn" {
  description = "ARN of the scan images bucket"
  value       = aws_s3_bucket.images.arn
}

output "images_kms_key_arn" {
  description = "KMS key encrypting the scan images"
  value       = aws_kms_key.images.arn
}

output "logs_bucket_name" {
  description = "Name of the logs bucket"
  value       = aws_s3_bucket.logs.id
}

output "logs_bucket_arn" {
  description = "ARN of the logs bucket"
  value       = aws_s3_bucket.logs.arn
}

output "region" {
  description = "Region of the buckets (WASTECOACH_S3_REGION)"
  value       = data.aws_region.current.name
}
