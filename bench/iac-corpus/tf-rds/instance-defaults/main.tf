resource "aws_db_instance" "orders" { # expect: terraform-rds-unencrypted
  identifier              = "orders"
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = "db.t4g.medium"
  allocated_storage       = 50
  username                = "orders"
  manage_master_user_password = true
  multi_az                = true
  backup_retention_period = 7
}
