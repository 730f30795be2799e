locals {
  anywhere = "0.0.0.0/0"
  office   = "203.0.113.0/24"
}

resource "aws_security_group" "ops" {
  name   = "ops"
  vpc_id = "vpc-0a1b2c3d4e5f60718"

  ingress {
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = [local.anywhere] # expect: terraform-admin-ports-public
  }

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [local.office] # safe: terraform-admin-ports-public
  }
}
