output "alb_dns_name" {
  description = "DNS name of the ALB"
  value       = aws_lb.api.dns_name
}

output "api_url" {
  description = "Base URL of the REST API"
  value       = "https://${var.api_domain}/api/v1"
}

output "certificate_arn" {
  description = "ACM certificate of the API host"
  value       = aws_acm_certificate.api.arn
}
