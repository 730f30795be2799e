resource "aws_instance" "bastion" {
  ami           = "ami-0c1a7f89451184c8b"
  instance_type = "t3.micro"

  root_block_device { # expect: terraform-ebs-unencrypted
    volume_size = 16
    volume_type = "gp3"
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 50
    encrypted   = false # expect: terraform-ebs-unencrypted
  }

  ebs_block_device {
    device_name = "/dev/sdg"
    volume_size = 50
    encrypted   = true # safe: terraform-ebs-unencrypted
  }
}

resource "aws_instance" "plain" { # safe: terraform-ebs-unencrypted
  ami           = "ami-0c1a7f89451184c8b"
  instance_type = "t3.micro"
}
