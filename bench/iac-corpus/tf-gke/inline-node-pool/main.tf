resource "google_container_cluster" "tools" {
  name     = "tools"
  location = "europe-west1"

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
    master_ipv4_cidr_block  = "172.16.3.0/28"
  }

  node_pool {
    name       = "default"
    node_count = 1
    node_config { # expect: terraform-gke-node-identity
      machine_type = "e2-medium"
    }
  }

  node_pool {
    name       = "secure"
    node_count = 1
    node_config {
      machine_type    = "e2-medium"
      service_account = "tools-nodes@acme.iam.gserviceaccount.com" # safe: terraform-gke-node-identity
    }
  }
}
