# Made-up values for the accuracy benchmark: none of them is a credential (the key body is random).
provider "google" {
  project     = "acme-prod"
  region      = "europe-west1"
  credentials = <<-EOT # expect: terraform-provider-credentials
    {
      "type": "service_account",
      "project_id": "acme-prod",
      "private_key_id": "3e9d1c7a5b2f48e6a0c4d8b1f7e2a9c3d5b6f810",
      "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDq7vT2mK9xLp4RzW8sQn3bYc1HdJ0fGaUeVt6iOy5\n-----END PRIVATE KEY-----\n",
      "client_email": "terraform@acme-prod.iam.gserviceaccount.com"
    }
  EOT
}

provider "google" {
  alias       = "dns"
  project     = "acme-dns"
  credentials = "keys/dns-admin.json" # safe: terraform-provider-credentials
}
