variable "trail_enabled" {
  type    = bool
  default = false
}

variable "data_trail_enabled" {
  type    = bool
  default = true
}

resource "aws_cloudtrail" "management" {
  name           = "management"
  s3_bucket_name = "acme-cloudtrail"
  enable_logging = var.trail_enabled # expect: terraform-cloudtrail-logging-disabled
}

resource "aws_cloudtrail" "data" {
  name           = "data"
  s3_bucket_name = "acme-cloudtrail"
  enable_logging = var.data_trail_enabled # safe: terraform-cloudtrail-logging-disabled
}
