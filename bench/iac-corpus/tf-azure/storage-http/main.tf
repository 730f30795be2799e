resource "azurerm_storage_account" "v4" {
  name                       = "acmehttpv4"
  resource_group_name        = "rg-data"
  location                   = "northeurope"
  account_tier               = "Standard"
  account_replication_type   = "GRS"
  https_traffic_only_enabled = false # expect: terraform-azure-storage-insecure-transport
}

resource "azurerm_storage_account" "v3" {
  name                      = "acmehttpv3"
  resource_group_name       = "rg-data"
  location                  = "northeurope"
  account_tier              = "Standard"
  account_replication_type  = "GRS"
  enable_https_traffic_only = "false" # expect: terraform-azure-storage-insecure-transport
  min_tls_version           = "TLS1_1" # expect: terraform-azure-storage-insecure-transport
}
