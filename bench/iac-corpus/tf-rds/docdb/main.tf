resource "aws_docdb_cluster" "profiles" { # expect: terraform-rds-unencrypted
  cluster_identifier      = "profiles"
  engine                  = "docdb"
  master_username         = "profiles"
  master_password         = var.docdb_password
  backup_retention_period = 5
  skip_final_snapshot     = false
}

variable "docdb_password" {
  type      = string
  sensitive = true
}
