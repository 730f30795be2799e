resource "aws_security_group" "legacy" {
  name   = "legacy-open"
  vpc_id = "vpc-0a1b2c3d4e5f60718"

  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"] # expect: terraform-admin-ports-public
  }
}

resource "aws_security_group_rule" "db_range" {
  type              = "ingress"
  security_group_id = aws_security_group.legacy.id
  from_port         = "3000"
  to_port           = "6000"
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"] # expect: terraform-admin-ports-public
}

resource "aws_security_group_rule" "dns" {
  type              = "ingress"
  security_group_id = aws_security_group.legacy.id
  from_port         = 0
  to_port           = 65535
  protocol          = "udp"
  cidr_blocks       = ["0.0.0.0/0"] # safe: terraform-admin-ports-public
}
