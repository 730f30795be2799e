variable "private_nodes" {
  type    = bool
  default = false
}

resource "google_container_cluster" "edge" {
  name                     = "edge"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1

  private_cluster_config {
    enable_private_nodes    = var.private_nodes # expect: terraform-gke-private-nodes
    enable_private_endpoint = true
    master_ipv4_cidr_block  = "172.16.2.0/28"
  }
}
