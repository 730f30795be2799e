resource "aws_db_instance" "billing" {
  identifier                  = "billing"
  engine                      = "mysql"
  instance_class              = "db.m6g.large"
  allocated_storage           = 100
  username                    = "billing"
  manage_master_user_password = true
  storage_encrypted           = "true" # safe: terraform-rds-unencrypted
  multi_az                    = "true" # safe: terraform-db-single-az
  backup_retention_period     = "14"
  publicly_accessible         = "false" # safe: terraform-db-publicly-accessible
}
