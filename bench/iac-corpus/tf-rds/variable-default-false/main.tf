resource "aws_db_instance" "crm" {
  identifier                  = "crm"
  engine                      = "postgres"
  instance_class              = "db.t4g.large"
  allocated_storage           = 20
  username                    = "crm"
  manage_master_user_password = true
  storage_encrypted           = var.storage_encrypted # expect: terraform-rds-unencrypted
  multi_az                    = var.multi_az # safe: terraform-db-single-az
  backup_retention_period     = 7
}
