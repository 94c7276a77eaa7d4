# The admin key is read from OPENAI_ADMIN_KEY when admin_key is not set:
# keep it out of configuration files and state.
provider "openai" {
  # admin_key     = var.openai_admin_key # or OPENAI_ADMIN_KEY
  max_retries     = 10
  request_timeout = "60s"
}
