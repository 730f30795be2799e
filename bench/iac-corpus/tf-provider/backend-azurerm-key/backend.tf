# Made-up values for the accuracy benchmark: none of them is a credential.
terraform {
  backend "azurerm" {
    resource_group_name  = "rg-tfstate"
    storage_account_name = "acmetfstate"
    container_name       = "tfstate"
    key                  = "prod.terraform.tfstate" # safe: terraform-provider-credentials
    access_key           = "k9Vq2Lm7Rt4Xw8Zb1Nc6Hd3Jf5Gs0Pa9Ue2Yi4To7Wq1Er3Ty6Ui8Op0As2Df==" # expect: terraform-provider-credentials
  }
}
