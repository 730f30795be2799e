resource "google_sql_database_instance" "orders" { # safe: terraform-backup-retention-zero
  name             = "orders"
  database_version = "POSTGRES_16"
  region           = "europe-west1"

  settings { # safe: terraform-db-single-az
    tier              = "db-custom-4-15360"
    availability_type = "REGIONAL"

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }

    ip_configuration {
      ipv4_enabled    = false
      private_network = "projects/acme/global/networks/main"
      ssl_mode        = "ENCRYPTED_ONLY" # safe: terraform-db-insecure-transport
    }
  }
}

resource "google_sql_database_instance" "orders_replica" { # safe: terraform-backup-retention-zero
  name                 = "orders-replica"
  master_instance_name = google_sql_database_instance.orders.name
  database_version     = "POSTGRES_16"
  region               = "europe-west1"

  replica_configuration {
    failover_target = false
  }

  settings {
    tier              = "db-custom-4-15360"
    availability_type = "REGIONAL"
  }
}
