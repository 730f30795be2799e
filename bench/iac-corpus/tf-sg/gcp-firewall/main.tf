resource "google_compute_firewall" "ssh" {
  name    = "allow-ssh"
  network = google_compute_network.main.name

  allow {
    protocol = "tcp"
    ports    = ["22", "8080-8090"]
  }

  source_ranges = ["0.0.0.0/0"] # expect: terraform-admin-ports-public
  target_tags   = ["ssh"]
}

resource "google_compute_firewall" "iap_ssh" {
  name    = "allow-iap-ssh"
  network = google_compute_network.main.name

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }

  source_ranges = ["35.235.240.0/20"] # safe: terraform-admin-ports-public
}

resource "google_compute_firewall" "disabled_rdp" {
  name     = "allow-rdp"
  network  = google_compute_network.main.name
  disabled = true

  allow {
    protocol = "tcp"
    ports    = ["3389"]
  }

  source_ranges = ["0.0.0.0/0"] # safe: terraform-admin-ports-public
}

resource "google_compute_firewall" "all_tcp" {
  name    = "allow-all-tcp"
  network = google_compute_network.main.name

  allow {
    protocol = "tcp"
  }

  source_ranges = ["0.0.0.0/0"] # expect: terraform-admin-ports-public
}

resource "google_compute_network" "main" {
  name = "main"
}
