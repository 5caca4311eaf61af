output "api_url" {
  description = "Base URL of the REST API"
  value       = module.ingress.api_url
}

output "alb_dns_name" {
  description = "DNS name of the ALB"
  value       = module.ingress.alb_dns_name
}

output "images_bucket" {
  description = "WASTECOACH_S3_BUCKET for the helm values"
  value       = module.storage.images_bucket_name
}

output "images_region" {
  description = "WASTECOACH_S3_REGION for the helm values"
  value       = module.storage.region
}

output "ansible_inventory" {
  description = "Node IPs by role for ansible/inventories/prod/hosts.yml"
  value       = module.cluster.ansible_inventory
}
