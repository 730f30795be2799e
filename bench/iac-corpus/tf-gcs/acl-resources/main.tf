resource "google_storage_bucket" "web" {
  name                        = "acme-web"
  location                    = "EU"
  uniform_bucket_level_access = true
}

resource "google_storage_bucket_acl" "web" {
  bucket         = google_storage_bucket.web.name
  predefined_acl = "publicRead" # expect: terraform-bucket-public
}

resource "google_storage_default_object_access_control" "web" {
  bucket = google_storage_bucket.web.name
  role   = "READER"
  entity = "allUsers" # expect: terraform-bucket-public
}

resource "google_storage_object_acl" "logo" {
  bucket = google_storage_bucket.web.name
  object = "logo.png"
  role_entity = [
    "OWNER:user-ops@example.com",
    "READER:allUsers", # expect: terraform-bucket-public
  ]
}
