# Made-up values for the accuracy benchmark: none of them is a credential.
terraform {
  backend "s3" {
    bucket     = "acme-terraform-state"
    key        = "network/terraform.tfstate"
    region     = "eu-west-1"
    access_key = "AKIA5WQZ3R8TNV2KMXJD" # expect: terraform-provider-credentials
    secret_key = "p4Rt7Yw2Qz9Xv1Bn6Mk3Lj8Hg5Fd0Sa2Ze7Uc4T" # expect: terraform-provider-credentials
  }
}
