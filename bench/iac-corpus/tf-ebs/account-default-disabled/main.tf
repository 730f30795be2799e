resource "aws_ebs_encryption_by_default" "this" {
  enabled = false
}

resource "aws_ebs_volume" "spool" { # expect: terraform-ebs-unencrypted
  availability_zone = "eu-west-1c"
  size              = 10
}
