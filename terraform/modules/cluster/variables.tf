variable "name" {
  description = "Name prefix of every resource"
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets the nodes are spread over"
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the nodes"
  type        = string
}

variable "key_name" {
  description = "EC2 key pair for SSH (ansible)"
  type        = string
}

variable "control_plane_count" {
  description = "Number of kubeadm control plane nodes (1 or 3)"
  type        = number
  default     = 1
  validation {
    condition     = contains([1, 3], var.control_plane_count)
    error_message = "control_plane_count must be 1 or 3 (etcd quorum)."
  }
}

variable "worker_count" {
  description = "Number of kubeadm worker nodes"
  type        = number
  default     = 3
}

variable "control_plane_instance_type" {
  description = "Instance type of the control plane nodes"
  type        = string
  default     = "t3.medium"
}

variable "worker_instance_type" {
  description = "Instance type of the worker nodes"
  type        = string
  default     = "t3.xlarge"
}

variable "storage_instance_type" {
  description = "Instance type of the storage node (PostgreSQL, Redis, RabbitMQ volumes)"
  type        = string
  default     = "r6i.large"
}

variable "storage_volume_size_gb" {
  description = "Size of the storage node's data volume"
  type        = number
  default     = 200
}

variable "root_volume_size_gb" {
  description = "Size of every node's root volume"
  type        = number
  default     = 50
}

variable "worker_instance_profile" {
  description = "Instance profile of the workers"
  type        = string
}

variable "base_instance_profile" {
  description = "Instance profile of the control plane and storage node"
  type        = string
}

variable "ami_name_filter" {
  description = "Name filter of the Ubuntu LTS AMI the nodes boot"
  type        = string
  default     = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
}

variable "tags" {
  description = "Tags on every resource"
  type        = map(string)
  default     = {}
}
