variable "encrypt_volumes" {
  type    = bool
  default = false
}

resource "aws_ebs_volume" "index" {
  availability_zone = "eu-west-1a"
  size              = 200
  encrypted         = var.encrypt_volumes # expect: terraform-ebs-unencrypted
}
