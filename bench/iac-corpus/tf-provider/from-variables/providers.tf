# Made-up values for the accuracy benchmark: none of them is a credential.
variable "client_secret" {
  type      = string
  sensitive = true
}

provider "azurerm" {
  features {}
  subscription_id = "00000000-0000-0000-0000-000000000000"
  client_id       = "11111111-2222-3333-4444-555555555555"
  client_secret   = var.client_secret # safe: terraform-provider-credentials
  tenant_id       = "66666666-7777-8888-9999-000000000000"
}

provider "google" {
  project     = "acme-prod"
  region      = "europe-west1"
  credentials = file("account.json") # safe: terraform-provider-credentials
}
