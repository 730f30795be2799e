resource "azurerm_storage_account" "legacy" {
  name                     = "acmelegacy"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
  min_tls_version          = "TLS1_0" # expect: terraform-azure-storage-insecure-transport
}

resource "azurerm_storage_account" "current" { # safe: terraform-azure-storage-insecure-transport
  name                     = "acmecurrent"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}

resource "azurerm_storage_account" "strict" {
  name                     = "acmestrict"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Premium"
  account_replication_type = "LRS"
  min_tls_version          = "TLS1_2" # safe: terraform-azure-storage-insecure-transport
}
