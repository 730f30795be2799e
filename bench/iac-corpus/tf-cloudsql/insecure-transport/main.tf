resource "google_sql_database_instance" "legacy" {
  name             = "legacy"
  database_version = "MYSQL_8_0"
  region           = "us-central1"

  settings {
    tier              = "db-n1-standard-2"
    availability_type = "REGIONAL"

    backup_configuration {
      enabled            = true
      binary_log_enabled = true
    }

    ip_configuration {
      ipv4_enabled = true
      require_ssl  = "false" # expect: terraform-db-insecure-transport

      authorized_networks {
        name  = "office"
        value = "203.0.113.0/24" # safe: terraform-db-publicly-accessible
      }

      authorized_networks {
        name  = "anyone"
        value = "0.0.0.0/0" # expect: terraform-db-publicly-accessible
      }
    }
  }
}

resource "google_sql_database_instance" "analytics" {
  name             = "analytics"
  database_version = "POSTGRES_15"
  region           = "us-central1"

  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"

    backup_configuration {
      enabled = true
    }

    ip_configuration {
      ipv4_enabled = true
      ssl_mode     = "ALLOW_UNENCRYPTED_AND_ENCRYPTED" # expect: terraform-db-insecure-transport
    }
  }
}
