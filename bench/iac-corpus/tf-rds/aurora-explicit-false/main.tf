resource "aws_rds_cluster" "events" {
  cluster_identifier          = "events"
  engine                      = "aurora-mysql"
  master_username             = "events"
  manage_master_user_password = true
  storage_encrypted           = false # expect: terraform-rds-unencrypted
  backup_retention_period     = 0 # expect: terraform-backup-retention-zero
}

resource "aws_rds_cluster_instance" "events" {
  identifier          = "events-1"
  cluster_identifier  = aws_rds_cluster.events.id
  instance_class      = "db.r6g.large"
  engine              = "aurora-mysql"
  publicly_accessible = true # expect: terraform-db-publicly-accessible
}
