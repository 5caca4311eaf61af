output "worker_instance_profile" {
  description = "Instance profile of the worker nodes (S3 presign permissions)"
  value       = aws_iam_instance_profile.worker.name
}

output "base_instance_profile" {
  description = "Instance profile of the control plane and storage nodes"
  value       = aws_iam_instance_profile.base.name
}

output "images_presign_policy_arn" {
  description = "Policy granting presigned access to the images bucket"
  value       = aws_iam_policy.images_presign.arn
}
