# A Scalr policy group: this file and openai_keys.rego beside it, which is
# policy/openai_keys.rego in one file under package terraform (Scalr hands
# the plan as input.tfplan). Its deny holds the findings of the enforced
# rules and refused settings or keys: hard-mandatory stops the run;
# soft-mandatory would let an approval override it.
version = "v1"

policy "openai_keys" {
  enabled           = true
  enforcement_level = "hard-mandatory"
}
