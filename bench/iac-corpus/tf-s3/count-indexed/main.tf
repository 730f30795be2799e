variable "create_logs" {
  type    = bool
  default = true
}

resource "aws_s3_bucket" "logs" { # safe: terraform-s3-bucket-unencrypted
  count  = var.create_logs ? 1 : 0
  bucket = "acme-access-logs"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  count  = var.create_logs ? 1 : 0
  bucket = aws_s3_bucket.logs[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
