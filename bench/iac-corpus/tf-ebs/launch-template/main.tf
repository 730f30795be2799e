resource "aws_launch_template" "nodes" {
  name_prefix   = "nodes-"
  image_id      = "ami-0c1a7f89451184c8b"
  instance_type = "m6i.large"

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 80
      encrypted   = "false" # expect: terraform-ebs-unencrypted
    }
  }
}

resource "aws_launch_template" "batch" {
  name_prefix = "batch-"
  image_id    = "ami-0c1a7f89451184c8b"

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs { # expect: terraform-ebs-unencrypted
      volume_size = 40
    }
  }
}
