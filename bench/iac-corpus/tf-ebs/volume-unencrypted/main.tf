resource "aws_ebs_volume" "data" { # expect: terraform-ebs-unencrypted
  availability_zone = "eu-west-1a"
  size              = 100
  type              = "gp3"
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 50
  encrypted         = false # expect: terraform-ebs-unencrypted
}

resource "aws_ebs_volume" "archive" {
  availability_zone = "eu-west-1a"
  size              = 500
  encrypted         = "true" # safe: terraform-ebs-unencrypted
  kms_key_id        = aws_kms_key.ebs.arn
}

resource "aws_kms_key" "ebs" {
  enable_key_rotation = true
}
