resource "aws_s3_bucket" "uploads" { # safe: terraform-s3-bucket-unencrypted
  bucket = "acme-user-uploads"
}

resource "aws_s3_bucket" "exports" { # expect: terraform-s3-bucket-unencrypted
  bucket = "acme-exports"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
