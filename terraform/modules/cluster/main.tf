data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"] # Canonical

  filter {
    name   = "name"
    values = [var.ami_name_filter]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
}

# ---- KMS key for every EBS volume of the cluster ----

data "aws_iam_policy_document" "ebs_key" {
  #checkov:skip=CKV_AWS_111:key policy: Resource "*" means this key only; the account root administers it (AWS default key policy), IAM policies then grant use
  #checkov:skip=CKV_AWS_356:key policy: Resource "*" means this key only
  #checkov:skip=CKV_AWS_109:key policy: the account root must keep permission management, or the key becomes unmanageable
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "ebs" {
  description             = "${var.name} node volumes"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.ebs_key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "ebs" {
  name          = "alias/${var.name}-ebs"
  target_key_id = aws_kms_key.ebs.key_id
}

locals {
  nodes = merge(
    { for i in range(var.control_plane_count) : "control-plane-${i}" => {
      role             = "control-plane"
      instance_type    = var.control_plane_instance_type
      instance_profile = var.base_instance_profile
      subnet_id        = var.private_subnet_ids[i % length(var.private_subnet_ids)]
    } },
    { for i in range(var.worker_count) : "worker-${i}" => {
      role             = "worker"
      instance_type    = var.worker_instance_type
      instance_profile = var.worker_instance_profile
      subnet_id        = var.private_subnet_ids[i % length(var.private_subnet_ids)]
    } },
    { "storage-0" = {
      role             = "storage"
      instance_type    = var.storage_instance_type
      instance_profile = var.base_instance_profile
      subnet_id        = var.private_subnet_ids[0]
    } },
  )
}

resource "aws_instance" "node" {
  for_each = local.nodes

  ami                         = data.aws_ami.ubuntu.id
  instance_type               = each.value.instance_type
  subnet_id                   = each.value.subnet_id
  vpc_security_group_ids      = [var.security_group_id]
  key_name                    = var.key_name
  iam_instance_profile        = each.value.instance_profile
  associate_public_ip_address = false
  monitoring                  = true
  ebs_optimized               = true
  # Calico encapsulates pod traffic (IP-in-IP/VXLAN), so the source/dest check can stay on
  source_dest_check = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2 # the extra hop lets pods reach IMDSv2
    instance_metadata_tags      = "disabled"
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_size_gb
    encrypted             = true
    kms_key_id            = aws_kms_key.ebs.arn
    delete_on_termination = true
  }

  tags = merge(var.tags, {
    Name                                = "${var.name}-${each.key}"
    "wastecoach.io/role"                = each.value.role
    "kubernetes.io/cluster/${var.name}" = "owned"
  })

  lifecycle {
    ignore_changes = [ami]
  }
}

resource "aws_ebs_volume" "storage" {
  availability_zone = aws_instance.node["storage-0"].availability_zone
  size              = var.storage_volume_size_gb
  type              = "gp3"
  encrypted         = true
  kms_key_id        = aws_kms_key.ebs.arn
  tags              = merge(var.tags, { Name = "${var.name}-storage-data" })
}

resource "aws_volume_attachment" "storage" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.storage.id
  instance_id = aws_instance.node["storage-0"].id
}
