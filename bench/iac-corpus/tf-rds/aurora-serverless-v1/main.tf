resource "aws_rds_cluster" "reports" { # safe: terraform-rds-unencrypted
  cluster_identifier          = "reports"
  engine                      = "aurora-mysql"
  engine_mode                 = "serverless"
  master_username             = "reports"
  manage_master_user_password = true
  backup_retention_period     = 3

  scaling_configuration {
    min_capacity = 1
    max_capacity = 4
  }
}
