variable "ebs_default_encryption" {
  type    = bool
  default = true
}

resource "aws_ebs_encryption_by_default" "this" {
  enabled = var.ebs_default_encryption
}

resource "aws_ebs_volume" "journal" { # safe: terraform-ebs-unencrypted
  availability_zone = "eu-west-1c"
  size              = 10
}
