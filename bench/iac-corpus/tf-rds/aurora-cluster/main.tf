resource "aws_rds_cluster" "app" { # expect: terraform-rds-unencrypted
  cluster_identifier          = "app"
  engine                      = "aurora-postgresql"
  engine_version              = "15.4"
  master_username             = "app"
  manage_master_user_password = true
  backup_retention_period     = 7
  db_subnet_group_name        = aws_db_subnet_group.app.name
}

resource "aws_rds_cluster_instance" "app" {
  count               = 2
  identifier          = "app-${count.index}"
  cluster_identifier  = aws_rds_cluster.app.id
  instance_class      = "db.r6g.large"
  engine              = aws_rds_cluster.app.engine
  publicly_accessible = false # safe: terraform-db-publicly-accessible
}

resource "aws_db_subnet_group" "app" {
  name       = "app"
  subnet_ids = var.private_subnet_ids
}

variable "private_subnet_ids" {
  type = list(string)
}
