resource "google_container_cluster" "dev" { # expect: terraform-gke-private-nodes, terraform-gke-control-plane-public, terraform-gke-node-identity
  name               = "dev"
  location           = "europe-west1-b"
  initial_node_count = 3
}
