# Made-up values for the accuracy benchmark: none of them is a credential.
provider "azurerm" {
  features {}
  client_id     = "11111111-2222-3333-4444-555555555555"
  client_secret = "Qx8~hT2.vN5_rL7-kP3mW9zB4cF6jD1sG0aYeU" # expect: terraform-provider-credentials
  tenant_id     = "66666666-7777-8888-9999-000000000000"
}

provider "github" {
  owner = "acme"
  token = "ghp_Rk3tY8wQ2zN5vB7xL1mC9dF4hJ6pS0gA2uEi" # expect: terraform-provider-credentials
}

provider "postgresql" {
  host     = "db.internal.example.com"
  username = "terraform"
  password = "changeme" # safe: terraform-provider-credentials
}
