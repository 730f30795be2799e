variable "enabled" {
  type    = bool
  default = true
}

resource "aws_cloudtrail" "this" {
  name           = "trail"
  s3_bucket_name = "acme-cloudtrail"
  enable_logging = var.enabled
}
