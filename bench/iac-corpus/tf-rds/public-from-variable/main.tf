variable "publicly_accessible" {
  type    = bool
  default = false
}

variable "backup_days" {
  type    = number
  default = 0
}

resource "aws_db_instance" "api" {
  identifier                  = "api"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "api"
  manage_master_user_password = true
  storage_encrypted           = true
  multi_az                    = true
  publicly_accessible         = var.publicly_accessible # safe: terraform-db-publicly-accessible
  backup_retention_period     = var.backup_days # expect: terraform-backup-retention-zero
}
