# An HCP Terraform (or Terraform Enterprise) OPA policy set: this file and
# policy/openai_keys.rego, side by side. HCP Terraform hands the plan as
# input.plan, and a query's policy passes when its array is empty.

# Enforced rules, and settings or keys the policy refuses, stop the run.
policy "openai_keys_deny" {
  query             = "data.openai.keys.deny"
  enforcement_level = "mandatory"
  description       = "OpenAI API key hygiene: findings of the enforced rules, and refused settings or keys"
}

# Every other finding, and an input the policy cannot read, is a warning.
policy "openai_keys_warn" {
  query             = "data.openai.keys.warn"
  enforcement_level = "advisory"
  description       = "OpenAI API key hygiene: findings of the rules that only warn"
}
