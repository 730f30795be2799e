variable "backups_enabled" {
  type    = bool
  default = false
}

variable "authorized_networks" {
  type = list(object({ name = string, cidr = string }))
  default = [
    { name = "vpn", cidr = "198.51.100.0/24" },
  ]
}

resource "google_sql_database_instance" "reporting" {
  name             = "reporting"
  database_version = "POSTGRES_16"
  region           = "europe-west1"

  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"

    backup_configuration {
      enabled = var.backups_enabled # expect: terraform-backup-retention-zero
    }

    ip_configuration {
      ipv4_enabled = true

      dynamic "authorized_networks" {
        for_each = var.authorized_networks
        content {
          name  = authorized_networks.value.name
          value = authorized_networks.value.cidr # safe: terraform-db-publicly-accessible
        }
      }
    }
  }
}
