resource "google_service_account" "nodes" {
  account_id   = "gke-nodes"
  display_name = "GKE nodes"
}

resource "google_container_cluster" "prod" { # safe: terraform-gke-private-nodes, terraform-gke-control-plane-public, terraform-gke-node-identity
  name                     = "prod"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1
  enable_legacy_abac       = false # safe: terraform-gke-legacy-abac

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = "172.16.0.32/28"
  }

  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "10.10.0.0/16"
      display_name = "corp"
    }
  }

  master_auth {
    client_certificate_config {
      issue_client_certificate = false # safe: terraform-gke-client-certificate
    }
  }

  workload_identity_config {
    workload_pool = "acme-prod.svc.id.goog"
  }
}

resource "google_container_node_pool" "general" {
  name       = "general"
  cluster    = google_container_cluster.prod.id
  node_count = 3

  node_config {
    machine_type    = "e2-standard-4"
    service_account = google_service_account.nodes.email # safe: terraform-gke-node-identity
    workload_metadata_config {
      mode = "GKE_METADATA" # safe: terraform-gke-node-identity
    }
  }
}
