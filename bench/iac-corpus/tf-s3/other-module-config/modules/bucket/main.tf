variable "name" {
  type = string
}

resource "aws_s3_bucket" "this" { # safe: terraform-s3-bucket-unencrypted
  bucket = var.name
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

output "id" {
  value = aws_s3_bucket.this.id
}
