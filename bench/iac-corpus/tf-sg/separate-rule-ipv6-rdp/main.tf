resource "aws_security_group" "windows" {
  name   = "windows-hosts"
  vpc_id = "vpc-0a1b2c3d4e5f60718"
}

resource "aws_security_group_rule" "rdp" {
  type              = "ingress"
  security_group_id = aws_security_group.windows.id
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["::/0"] # expect: terraform-admin-ports-public
}

resource "aws_security_group_rule" "ssh_out" {
  type              = "egress"
  security_group_id = aws_security_group.windows.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"] # safe: terraform-admin-ports-public, terraform-egress-unrestricted
}
