resource "aws_cloudtrail" "org" {
  name                          = "org"
  s3_bucket_name                = "acme-cloudtrail"
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
}

resource "aws_cloudtrail" "paused" {
  name           = "paused"
  s3_bucket_name = "acme-cloudtrail"
  enable_logging = false # expect: terraform-cloudtrail-logging-disabled
}

resource "aws_cloudtrail" "quoted" {
  name           = "quoted"
  s3_bucket_name = "acme-cloudtrail"
  enable_logging = "false" # expect: terraform-cloudtrail-logging-disabled
}

resource "aws_cloudtrail" "on" {
  name           = "on"
  s3_bucket_name = "acme-cloudtrail"
  enable_logging = true # safe: terraform-cloudtrail-logging-disabled
}
