locals {
  public_members = ["allUsers"]
  readers        = "group:readers@example.com"
}

resource "google_storage_bucket" "docs" {
  name                        = "acme-docs"
  location                    = "EU"
  uniform_bucket_level_access = true
}

resource "google_storage_bucket_iam_member" "docs_public" {
  for_each = toset(local.public_members)
  bucket   = google_storage_bucket.docs.name
  role     = "roles/storage.objectViewer"
  member   = each.value # expect: terraform-bucket-public
}

resource "google_storage_bucket_iam_member" "docs_readers" {
  bucket = google_storage_bucket.docs.name
  role   = "roles/storage.objectViewer"
  member = local.readers # safe: terraform-bucket-public
}
