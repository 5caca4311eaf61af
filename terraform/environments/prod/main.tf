# Production composition: network -> storage (buckets) -> iam -> cluster (kubeadm EC2 nodes) -> ingress (ALB, ACM, Route53).

locals {
  tags = {
    Project     = "wastecoach"
    Environment = var.environment
  }
}

module "storage" {
  source = "../../modules/storage"

  name               = var.name
  images_bucket_name = var.images_bucket_name
  logs_bucket_name   = var.logs_bucket_name
  image_expiry_days  = var.image_expiry_days
  tags               = local.tags
}

module "network" {
  source = "../../modules/network"

  name                = var.name
  vpc_cidr            = var.vpc_cidr
  azs                 = var.azs
  single_nat_gateway  = false
  admin_cidrs         = var.admin_cidrs
  ingress_node_port   = var.ingress_node_port
  flow_log_bucket_arn = module.storage.logs_bucket_arn
  tags                = local.tags
}

module "iam" {
  source = "../../modules/iam"

  name               = var.name
  images_bucket_arn  = module.storage.images_bucket_arn
  images_kms_key_arn = module.storage.images_kms_key_arn
  tags               = local.tags
}

module "cluster" {
  source = "../../modules/cluster"

  name                    = var.name
  private_subnet_ids      = module.network.private_subnet_ids
  security_group_id       = module.network.nodes_security_group_id
  key_name                = var.key_name
  control_plane_count     = var.control_plane_count
  worker_count            = var.worker_count
  worker_instance_profile = module.iam.worker_instance_profile
  base_instance_profile   = module.iam.base_instance_profile
  tags                    = local.tags
}

module "ingress" {
  source = "../../modules/ingress"

  name                = var.name
  vpc_id              = module.network.vpc_id
  public_subnet_ids   = module.network.public_subnet_ids
  security_group_id   = module.network.alb_security_group_id
  zone_name           = var.zone_name
  api_domain          = "${var.api_subdomain}.${var.zone_name}"
  target_instance_ids = module.cluster.worker_instance_ids
  ingress_node_port   = var.ingress_node_port
  logs_bucket_name    = module.storage.logs_bucket_name
  tags                = local.tags
}
