resource "aws_elb" "legacy" {
  name               = "legacy"
  availability_zones = ["eu-west-1a", "eu-west-1b"]

  access_logs { # safe: terraform-lb-access-logs-disabled
    bucket   = "acme-elb-logs"
    interval = 60
  }

  listener {
    instance_port     = 8080
    instance_protocol = "http"
    lb_port           = 443
    lb_protocol       = "https"
  }
}

resource "aws_elb" "old" {
  name               = "old"
  availability_zones = ["eu-west-1a"]

  access_logs {
    bucket  = "acme-elb-logs"
    enabled = false # expect: terraform-lb-access-logs-disabled
  }

  listener {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
}
