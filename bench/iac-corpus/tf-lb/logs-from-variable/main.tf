variable "access_logs_enabled" {
  type    = bool
  default = false
}

resource "aws_lb" "api" {
  name               = "api"
  load_balancer_type = "application"
  subnets            = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]

  access_logs {
    bucket  = "acme-lb-logs"
    enabled = var.access_logs_enabled # expect: terraform-lb-access-logs-disabled
  }
}
