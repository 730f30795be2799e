variable "ssh_cidr" {
  description = "Who may SSH in"
  type        = string
  default     = "0.0.0.0/0"
}

variable "admin_cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

resource "aws_security_group" "jump" {
  name   = "jump"
  vpc_id = "vpc-0a1b2c3d4e5f60718"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.ssh_cidr] # expect: terraform-admin-ports-public
  }
}

resource "aws_security_group_rule" "postgres" {
  type              = "ingress"
  security_group_id = aws_security_group.jump.id
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = var.admin_cidrs # expect: terraform-admin-ports-public
}
