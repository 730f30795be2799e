locals {
  media_bucket_id = aws_s3_bucket.media.id
}

resource "aws_s3_bucket" "media" { # safe: terraform-s3-bucket-unencrypted
  bucket = "acme-media"
}

resource "aws_s3_bucket" "scratch" { # expect: terraform-s3-bucket-unencrypted
  bucket = "acme-scratch"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "media" {
  bucket = local.media_bucket_id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
