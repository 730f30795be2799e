locals {
  public_ports = [80, 443]
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = "vpc-0a1b2c3d4e5f60718"

  dynamic "ingress" {
    for_each = local.public_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"] # safe: terraform-admin-ports-public
    }
  }
}
