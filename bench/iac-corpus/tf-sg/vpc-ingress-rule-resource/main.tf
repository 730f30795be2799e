resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = var.vpc_id
}

variable "vpc_id" {
  type = string
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0" # expect: terraform-admin-ports-public
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_ingress_rule" "everything" {
  security_group_id = aws_security_group.app.id
  cidr_ipv6         = "::/0" # expect: terraform-admin-ports-public
  ip_protocol       = "-1"
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0" # safe: terraform-admin-ports-public
  from_port         = 80
  to_port           = 80
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_ingress_rule" "ssh_office" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "198.51.100.0/24" # safe: terraform-admin-ports-public
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
}
