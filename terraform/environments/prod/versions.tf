terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }

  # State in S3 with locking; the bucket and table are created once per account, outside this stack.
  # Fill in at `terraform init -backend-config=...` time (see terraform/README.md).
  backend "s3" {
    key     = "wastecoach/prod/terraform.tfstate"
    encrypt = true
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "wastecoach"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}
