resource "aws_db_instance" "main" {
  engine                  = "postgres"
  # controlgate: ignore[terraform-backup-retention-zero] scratch database rebuilt nightly
  backup_retention_period = 0
}
