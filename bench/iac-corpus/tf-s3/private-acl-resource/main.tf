resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "aws:kms"
      }
    }
  }
}

resource "aws_s3_bucket_acl" "data" {
  bucket = aws_s3_bucket.data.id
  acl    = "private" # safe: terraform-bucket-public
}

resource "aws_s3_bucket_acl" "logdelivery" {
  bucket = aws_s3_bucket.data.id
  acl    = "log-delivery-write" # safe: terraform-bucket-public
}
