# Two instance roles:
#  - workers: run the application pods; they sign presigned S3 URLs with the instance
#    credentials, so only this role may touch the images bucket, and only its objects.
#  - base: control plane and storage node; no AWS permissions beyond being an EC2 instance.

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "worker" {
  name               = "${var.name}-worker"
  description        = "kubeadm worker nodes: presigned access to the scan images bucket"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
  tags               = var.tags
}

resource "aws_iam_role" "base" {
  name               = "${var.name}-base"
  description        = "kubeadm control plane and storage node: no AWS API access"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
  tags               = var.tags
}

# Least privilege for presigned URLs: object read/write/delete on this bucket only,
# list restricted to the scan prefixes, and the bucket's KMS key through S3 only.
data "aws_iam_policy_document" "images_presign" {
  statement {
    sid       = "ScanImageObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.images_bucket_arn}/*"]
  }

  statement {
    sid       = "ListScanImages"
    actions   = ["s3:ListBucket"]
    resources = [var.images_bucket_arn]
  }

  statement {
    sid       = "ImagesKeyThroughS3"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.images_kms_key_arn]
    condition {
      test     = "StringLike"
      variable = "kms:ViaService"
      values   = ["s3.*.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "images_presign" {
  name        = "${var.name}-images-presign"
  description = "Presigned GET/PUT of scan images in the images bucket"
  policy      = data.aws_iam_policy_document.images_presign.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "worker_images" {
  role       = aws_iam_role.worker.name
  policy_arn = aws_iam_policy.images_presign.arn
}

resource "aws_iam_instance_profile" "worker" {
  name = "${var.name}-worker"
  role = aws_iam_role.worker.name
  tags = var.tags
}

resource "aws_iam_instance_profile" "base" {
  name = "${var.name}-base"
  role = aws_iam_role.base.name
  tags = var.tags
}
