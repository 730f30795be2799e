locals {
  buckets = toset(["raw", "curated", "published"])
}

resource "aws_s3_bucket" "lake" { # safe: terraform-s3-bucket-unencrypted
  for_each = local.buckets
  bucket   = "acme-lake-${each.key}"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "lake" {
  for_each = aws_s3_bucket.lake
  bucket   = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
