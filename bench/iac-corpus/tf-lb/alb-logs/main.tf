resource "aws_lb" "public" {
  name               = "public"
  load_balancer_type = "application"
  subnets            = var.public_subnets

  access_logs { # expect: terraform-lb-access-logs-disabled
    bucket = "acme-lb-logs"
    prefix = "public"
  }
}

resource "aws_lb" "internal" {
  name               = "internal"
  internal           = true
  load_balancer_type = "application"
  subnets            = var.private_subnets

  access_logs {
    bucket  = "acme-lb-logs"
    enabled = false # expect: terraform-lb-access-logs-disabled
  }
}

resource "aws_alb" "admin" {
  name    = "admin"
  subnets = var.private_subnets

  access_logs {
    bucket  = "acme-lb-logs"
    enabled = "true" # safe: terraform-lb-access-logs-disabled
  }
}

resource "aws_lb" "no_block" { # safe: terraform-lb-access-logs-disabled
  name               = "grpc"
  load_balancer_type = "network"
  subnets            = var.private_subnets
}

variable "public_subnets" {
  type = list(string)
}

variable "private_subnets" {
  type = list(string)
}
