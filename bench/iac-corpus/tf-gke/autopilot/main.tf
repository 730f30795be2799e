resource "google_container_cluster" "auto" { # safe: terraform-gke-node-identity
  name             = "auto"
  location         = "europe-west1"
  enable_autopilot = true

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
  }
}

resource "google_container_cluster" "auto_public" { # expect: terraform-gke-private-nodes
  name             = "auto-public"
  location         = "europe-west1"
  enable_autopilot = true

  control_plane_endpoints_config {
    ip_endpoints_config {
      enabled = false
    }
  }
}
