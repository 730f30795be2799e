resource "aws_db_instance" "main" {
  engine = "postgres"
  storage_encrypted = true
  backup_retention_period = 7
}
