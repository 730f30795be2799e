resource "google_storage_bucket" "reports" {
  name                        = "acme-reports"
  location                    = "EU"
  uniform_bucket_level_access = true # safe: terraform-bucket-public
}

resource "google_storage_bucket_iam_member" "public_read" {
  bucket = google_storage_bucket.reports.name
  role   = "roles/storage.objectViewer"
  member = "allUsers" # expect: terraform-bucket-public
}

resource "google_storage_bucket_iam_binding" "viewers" {
  bucket  = google_storage_bucket.reports.name
  role    = "roles/storage.legacyBucketReader"
  members = [
    "group:finance@example.com",
    "allAuthenticatedUsers", # expect: terraform-bucket-public
  ]
}

resource "google_storage_bucket_iam_member" "team" {
  bucket = google_storage_bucket.reports.name
  role   = "roles/storage.objectViewer"
  member = "group:analytics@example.com" # safe: terraform-bucket-public
}
