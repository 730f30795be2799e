variable "storage_encrypted" {
  description = "Encrypt the database storage"
  type        = bool
  default     = false
}

variable "multi_az" {
  type    = bool
  default = true
}
