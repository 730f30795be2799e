resource "aws_db_instance" "restored" { # safe: terraform-rds-unencrypted
  identifier          = "ledger-restore"
  snapshot_identifier = "rds:ledger-2024-05-01-03-10"
  instance_class      = "db.m6g.large"
  multi_az            = true
}
