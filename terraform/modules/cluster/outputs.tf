output "control_plane_private_ips" {
  description = "Private IPs of the control plane nodes"
  value       = [for k, n in aws_instance.node : n.private_ip if startswith(k, "control-plane-")]
}

output "worker_private_ips" {
  description = "Private IPs of the worker nodes"
  value       = [for k, n in aws_instance.node : n.private_ip if startswith(k, "worker-")]
}

output "worker_instance_ids" {
  description = "Instance IDs of the workers (ALB targets)"
  value       = [for k, n in aws_instance.node : n.id if startswith(k, "worker-")]
}

output "storage_private_ip" {
  description = "Private IP of the storage node"
  value       = aws_instance.node["storage-0"].private_ip
}

output "ansible_inventory" {
  description = "Hosts by role, to paste into ansible/inventories/<env>/hosts.yml"
  value = {
    control_plane = { for k, n in aws_instance.node : k => n.private_ip if startswith(k, "control-plane-") }
    workers       = { for k, n in aws_instance.node : k => n.private_ip if startswith(k, "worker-") }
    storage       = { "storage-0" = aws_instance.node["storage-0"].private_ip }
  }
}
