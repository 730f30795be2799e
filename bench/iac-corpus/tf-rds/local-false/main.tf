locals {
  is_prod    = false
  encrypt_db = false
}

resource "aws_db_instance" "sandbox" {
  identifier                  = "sandbox"
  engine                      = "mariadb"
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  username                    = "sandbox"
  manage_master_user_password = true
  storage_encrypted           = local.encrypt_db # expect: terraform-rds-unencrypted
  multi_az                    = true
  backup_retention_period     = 1
}
