resource "google_container_node_pool" "batch" {
  name       = "batch"
  cluster    = "projects/acme/locations/europe-west1/clusters/prod"
  node_count = 2

  node_config { # expect: terraform-gke-node-identity
    machine_type = "n2-standard-8"
    workload_metadata_config {
      mode = "GCE_METADATA" # expect: terraform-gke-node-identity
    }
  }
}

resource "google_container_node_pool" "spot" {
  name    = "spot"
  cluster = "projects/acme/locations/europe-west1/clusters/prod"

  node_config {
    spot            = true
    service_account = "default" # expect: terraform-gke-node-identity
  }

  network_config {
    enable_private_nodes = false # expect: terraform-gke-private-nodes
  }
}
