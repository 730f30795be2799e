resource "google_container_cluster" "ci" {
  name                     = "ci"
  location                 = "europe-west4"
  remove_default_node_pool = true
  initial_node_count       = 1

  private_cluster_config {
    enable_private_nodes   = true
    master_ipv4_cidr_block = "172.16.1.0/28"
  }

  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "0.0.0.0/0" # expect: terraform-gke-control-plane-public
      display_name = "everyone"
    }
  }
}
