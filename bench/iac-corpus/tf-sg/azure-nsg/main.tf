resource "azurerm_network_security_group" "vm" {
  name                = "vm-nsg"
  location            = "westeurope"
  resource_group_name = "rg-vm"

  security_rule {
    name                       = "rdp"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "*" # expect: terraform-admin-ports-public
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "https"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "Internet" # safe: terraform-admin-ports-public
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "deny-ssh"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "Internet" # safe: terraform-admin-ports-public
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_rule" "ssh_and_sql" {
  name                        = "ssh-sql"
  priority                    = 200
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_ranges     = ["22", "1433"]
  source_address_prefix       = "Internet" # expect: terraform-admin-ports-public
  destination_address_prefix  = "*"
  resource_group_name         = "rg-vm"
  network_security_group_name = azurerm_network_security_group.vm.name
}

resource "azurerm_network_security_rule" "vnet_ssh" {
  name                        = "vnet-ssh"
  priority                    = 210
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22"
  source_address_prefix       = "VirtualNetwork" # safe: terraform-admin-ports-public
  destination_address_prefix  = "*"
  resource_group_name         = "rg-vm"
  network_security_group_name = azurerm_network_security_group.vm.name
}
