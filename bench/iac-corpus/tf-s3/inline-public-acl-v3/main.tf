resource "aws_s3_bucket" "press" { # expect: terraform-s3-bucket-unencrypted
  bucket = "acme-press-kit"
  acl    = "public-read-write" # expect: terraform-bucket-public

  website {
    index_document = "index.html"
  }
}
