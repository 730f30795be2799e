resource "google_storage_bucket" "fine_grained" { # expect: terraform-bucket-public
  name     = "acme-legacy-uploads"
  location = "US"
}

resource "google_storage_bucket" "quoted" {
  name                        = "acme-quoted"
  location                    = "US"
  uniform_bucket_level_access = "true" # safe: terraform-bucket-public
}

resource "google_storage_bucket" "pap" { # safe: terraform-bucket-public
  name                     = "acme-pap"
  location                 = "US"
  public_access_prevention = "enforced"
}

resource "google_storage_bucket" "explicit_off" {
  name                        = "acme-explicit-off"
  location                    = "US"
  uniform_bucket_level_access = false # expect: terraform-bucket-public
}
