variable "extra_volumes" {
  type = map(object({ size = number }))
  default = {
    "/dev/sdf" = { size = 100 }
  }
}

resource "aws_instance" "db" {
  ami           = "ami-0c1a7f89451184c8b"
  instance_type = "r6i.large"

  root_block_device {
    volume_size = 30
    encrypted   = true
  }

  dynamic "ebs_block_device" {
    for_each = var.extra_volumes
    content {
      device_name = ebs_block_device.key
      volume_size = ebs_block_device.value.size
      encrypted   = true # safe: terraform-ebs-unencrypted
    }
  }
}
