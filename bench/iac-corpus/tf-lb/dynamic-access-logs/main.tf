variable "log_bucket" {
  type    = string
  default = ""
}

resource "aws_lb" "svc" {
  name               = "svc"
  load_balancer_type = "application"
  subnets            = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]

  dynamic "access_logs" {
    for_each = var.log_bucket == "" ? [] : [var.log_bucket]
    content {
      bucket  = access_logs.value
      enabled = true # safe: terraform-lb-access-logs-disabled
    }
  }
}
