module "invoices" {
  source = "../../modules/bucket"
  name   = "acme-invoices"
}

resource "aws_s3_bucket" "tmp" { # expect: terraform-s3-bucket-unencrypted
  bucket = "acme-prod-tmp"
}
