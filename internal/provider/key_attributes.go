package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// keyAttributes are the attributes admin keys and project keys share.
// redactedExample shows the form of the key's redacted_value.
func keyAttributes(redactedExample string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The key's id, such as `key_abc`."},
		"name": schema.StringAttribute{Computed: true, MarkdownDescription: "The key's name; null when the key has none."},
		"redacted_value": schema.StringAttribute{Computed: true,
			MarkdownDescription: "The key as OpenAI shows it, such as `" + redactedExample + "`. Not a secret."},
		"created_at": schema.Int64Attribute{Computed: true, MarkdownDescription: "When the key was created, in Unix seconds."},
		"created_at_rfc3339": schema.StringAttribute{Computed: true,
			MarkdownDescription: "`created_at` as an RFC 3339 timestamp in UTC."},
		"last_used_at": schema.Int64Attribute{Computed: true,
			MarkdownDescription: "When the key was last used, in Unix seconds; null when it was never used (never 0)."},
		"last_used_at_rfc3339": schema.StringAttribute{Computed: true,
			MarkdownDescription: "`last_used_at` as an RFC 3339 timestamp in UTC; null when the key was never used."},
	}
}

// keyValues maps the attributes of keyAttributes.
func keyValues(id string, name, redacted *string, createdAt int64, lastUsedAt *int64) map[string]tftypes.Value {
	return map[string]tftypes.Value{
		"id":                   stringValue(id),
		"name":                 nullableString(name),
		"redacted_value":       nullableString(redacted),
		"created_at":           int64Value(createdAt),
		"created_at_rfc3339":   rfc3339(createdAt),
		"last_used_at":         nullableInt64(lastUsedAt),
		"last_used_at_rfc3339": nullableRFC3339(lastUsedAt),
	}
}
