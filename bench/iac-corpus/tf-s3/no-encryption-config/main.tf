resource "aws_s3_bucket" "reports" { # expect: terraform-s3-bucket-unencrypted
  bucket = "acme-reports-prod"
}

resource "aws_s3_bucket_versioning" "reports" {
  bucket = aws_s3_bucket.reports.id
  versioning_configuration {
    status = "Enabled"
  }
}
