terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 3.75"
    }
  }
}

resource "aws_s3_bucket" "state" { # safe: terraform-s3-bucket-unencrypted
  bucket = "acme-terraform-state"
  acl    = "private" # safe: terraform-bucket-public

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }
}
