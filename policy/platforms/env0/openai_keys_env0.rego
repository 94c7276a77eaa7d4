# METADATA
# description: |-
#   The env0 approval policy: env0 hands the plan as input.plan, and a deny
#   cancels the deployment. Its deny is exactly that of openai.keys; put
#   policy/openai_keys.rego beside it in the folder env0 reads.
package env0

import data.openai.keys

deny contains message if some message in keys.deny
