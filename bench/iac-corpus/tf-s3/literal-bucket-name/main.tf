resource "aws_s3_bucket" "backups" { # safe: terraform-s3-bucket-unencrypted
  bucket = "acme-db-backups"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "backups" {
  bucket = "acme-db-backups"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
