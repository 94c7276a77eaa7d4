package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewServer returns the provider's protocol 6 server, for tf6server: the
// framework's, but for calls of key_hygiene, which it runs on the raw values.
// The framework would convert 10,000 keys and 28,000 findings into its
// attr.Values and back, several times the cost of the rules.
func NewServer(version string) func() (tfprotov6.ProviderServer, error) {
	return newServer(&openaiProvider{version: version})
}

func newServer(p *openaiProvider) func() (tfprotov6.ProviderServer, error) {
	framework := providerserver.NewProtocol6WithError(p)
	return func() (tfprotov6.ProviderServer, error) {
		s, err := framework()
		return functionServer{s}, err
	}
}

// functionServer is the framework's server with its own CallFunction.
type functionServer struct {
	tfprotov6.ProviderServer
}

func (s functionServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	if req.Name != keyHygieneName {
		return s.ProviderServer.CallFunction(ctx, req)
	}
	fail := func(argument int64, text string) (*tfprotov6.CallFunctionResponse, error) {
		return &tfprotov6.CallFunctionResponse{Error: &tfprotov6.FunctionError{Text: text, FunctionArgument: &argument}}, nil
	}
	if len(req.Arguments) != 2 {
		return &tfprotov6.CallFunctionResponse{Error: &tfprotov6.FunctionError{
			Text: "key_hygiene takes two arguments, keys and settings"}}, nil
	}
	args := make([]tftypes.Value, 2)
	for i, dv := range req.Arguments {
		v, err := dv.Unmarshal(tftypes.DynamicPseudoType)
		if err != nil {
			return fail(int64(i), "the argument cannot be read: "+err.Error())
		}
		args[i] = v
	}
	result, problem := keyHygiene(args[0], args[1])
	if problem != nil {
		return fail(problem.argument, problem.text)
	}
	// The result is built for its own type: an encoding failure is a
	// provider bug, reported to Terraform as an RPC error.
	dv, err := tfprotov6.NewDynamicValue(resultTFType, result)
	if err != nil {
		return nil, fmt.Errorf("provider bug: encoding the result of key_hygiene: %w", err)
	}
	return &tfprotov6.CallFunctionResponse{Result: &dv}, nil
}
