# Made-up values for the accuracy benchmark: none of them is a credential.
provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIA2QJX7T4NMW6RZKBV" # expect: terraform-provider-credentials
  secret_key = "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" # expect: terraform-provider-credentials
}

provider "aws" {
  alias   = "audit"
  region  = "us-east-1"
  profile = "audit-readonly" # safe: terraform-provider-credentials
}
