module "trail" {
  source  = "../modules/trail"
  enabled = false # expect: terraform-cloudtrail-logging-disabled
}
