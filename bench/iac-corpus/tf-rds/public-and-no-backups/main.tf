resource "aws_db_instance" "legacy" {
  identifier                  = "legacy"
  engine                      = "mysql"
  instance_class              = "db.t3.medium"
  allocated_storage           = 20
  username                    = "legacy"
  manage_master_user_password = true
  storage_encrypted           = true
  multi_az                    = false # expect: terraform-db-single-az
  backup_retention_period     = "0" # expect: terraform-backup-retention-zero
  publicly_accessible         = true # expect: terraform-db-publicly-accessible
}
