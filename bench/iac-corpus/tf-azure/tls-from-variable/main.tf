variable "min_tls_version" {
  type    = string
  default = "TLS1_0"
}

variable "https_only" {
  type    = bool
  default = true
}

resource "azurerm_storage_account" "shared" {
  name                       = "acmeshared"
  resource_group_name        = "rg-data"
  location                   = "westeurope"
  account_tier               = "Standard"
  account_replication_type   = "LRS"
  min_tls_version            = var.min_tls_version # expect: terraform-azure-storage-insecure-transport
  https_traffic_only_enabled = var.https_only # safe: terraform-azure-storage-insecure-transport
}
