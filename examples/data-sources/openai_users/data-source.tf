data "openai_users" "all" {}

# The organization's owners, by email.
output "owners" {
  value = [for u in data.openai_users.all.users : coalesce(u.email, u.id) if u.role == "owner"]
}
