resource "aws_s3_bucket" "artifacts" { # safe: terraform-s3-bucket-unencrypted
  bucket = "acme-build-artifacts"
}
