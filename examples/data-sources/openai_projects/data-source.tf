# Active projects only.
data "openai_projects" "active" {}

# Every project, archived ones included: the base of a complete key inventory.
data "openai_projects" "all" {
  include_archived = true
}

output "archived_projects" {
  value = [for p in data.openai_projects.all.projects : p.name if p.status == "archived"]
}
