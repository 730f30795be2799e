# Made-up values for the accuracy benchmark: none of them is a credential.
# The key below says REDACTED: a stand-in, which the rule (like its placeholder policy) leaves alone.
provider "google" {
  project     = "acme-prod"
  credentials = <<-EOT # safe: terraform-provider-credentials
    {
      "type": "service_account",
      "project_id": "acme-prod",
      "private_key_id": "0f3c9a7b1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f7a",
      "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7 REDACTED FOR CORPUS\n-----END PRIVATE KEY-----\n",
      "client_email": "terraform@acme-prod.iam.gserviceaccount.com"
    }
  EOT
}
