resource "aws_db_instance" "primary" {
  identifier                  = "catalog"
  engine                      = "postgres"
  instance_class              = "db.r6g.large"
  allocated_storage           = 200
  username                    = "catalog"
  manage_master_user_password = true
  storage_encrypted           = true
  kms_key_id                  = aws_kms_key.db.arn
  multi_az                    = true
  backup_retention_period     = 14
}

resource "aws_db_instance" "replica" { # safe: terraform-rds-unencrypted, terraform-db-single-az
  identifier              = "catalog-replica"
  replicate_source_db     = aws_db_instance.primary.identifier
  instance_class          = "db.r6g.large"
  backup_retention_period = 0 # safe: terraform-backup-retention-zero
}

resource "aws_kms_key" "db" {
  enable_key_rotation = true
}
