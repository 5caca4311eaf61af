output "vpc_id" {
  description = "ID of the VPC"
  value       = aws_vpc.this.id
}

output "public_subnet_ids" {
  description = "Public subnets (ALB, NAT)"
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets (nodes)"
  value       = aws_subnet.private[*].id
}

output "alb_security_group_id" {
  description = "Security group of the ALB"
  value       = aws_security_group.alb.id
}

output "nodes_security_group_id" {
  description = "Security group of the cluster nodes"
  value       = aws_security_group.nodes.id
}
