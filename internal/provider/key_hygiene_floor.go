//go:build keyhygienefloor

package provider

import (
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The floor build (go build -tags keyhygienefloor) is for make bench only: its
// key_hygiene answers every call with a result saved by an earlier call, without
// reading the arguments or running a rule, so that a plan over it costs what
// Terraform itself spends on the call (encoding the arguments, the gRPC round
// trip, decoding the result, the HCL around it). The file is
// $OPENAI_KEY_HYGIENE_FLOOR_RESULT; while it does not exist, calls run the rules
// and the first result is saved there.

const floorResultEnv = "OPENAI_KEY_HYGIENE_FLOOR_RESULT"

func savedResult() (*tfprotov6.DynamicValue, bool) {
	b, err := os.ReadFile(os.Getenv(floorResultEnv))
	if err != nil {
		return nil, false
	}
	return &tfprotov6.DynamicValue{MsgPack: b}, true
}

func saveResult(dv *tfprotov6.DynamicValue) {
	if path := os.Getenv(floorResultEnv); path != "" {
		_ = os.WriteFile(path, dv.MsgPack, 0o600) // The next call runs the rules again if this fails.
	}
}
