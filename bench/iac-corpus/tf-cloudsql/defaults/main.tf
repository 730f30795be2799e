resource "google_sql_database_instance" "main" { # expect: terraform-backup-retention-zero
  name             = "main"
  database_version = "POSTGRES_16"
  region           = "europe-west1"

  settings { # expect: terraform-db-single-az
    tier = "db-custom-2-7680"
  }
}
