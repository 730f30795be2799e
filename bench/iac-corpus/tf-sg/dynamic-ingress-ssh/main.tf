variable "open_ports" {
  type    = list(number)
  default = [22, 443]
}

resource "aws_security_group" "edge" {
  name   = "edge"
  vpc_id = "vpc-0a1b2c3d4e5f60718"

  dynamic "ingress" {
    for_each = var.open_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"] # expect: terraform-admin-ports-public
    }
  }
}
