resource "google_container_cluster" "legacy" {
  name                     = "legacy"
  location                 = "us-central1"
  remove_default_node_pool = true
  initial_node_count       = 1
  enable_legacy_abac       = "true" # expect: terraform-gke-legacy-abac
  logging_service          = "none" # expect: terraform-monitoring-disabled

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }

  master_auth {
    client_certificate_config {
      issue_client_certificate = true # expect: terraform-gke-client-certificate
    }
  }
}
