resource "aws_db_instance" "main" {
  engine                  = "postgres"
  # controlgate: ignore[terraform-backup-retention-zero]
  backup_retention_period = 0
}
