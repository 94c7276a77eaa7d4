package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewServer returns the provider's protocol 6 server, for tf6server: the
// framework's, but for calls of key_hygiene, which it reads and answers in
// msgpack directly (key_hygiene_msgpack.go). The framework would convert the
// arguments and the result into its attr.Values and back, at 10,050 keys many
// times the time and the memory ("The function's two paths" in BENCHMARKS.md).
func NewServer(version string) func() (tfprotov6.ProviderServer, error) {
	return newServer(&openaiProvider{version: version})
}

func newServer(p *openaiProvider) func() (tfprotov6.ProviderServer, error) {
	framework := providerserver.NewProtocol6WithError(p)
	return func() (tfprotov6.ProviderServer, error) {
		s, err := framework()
		if err != nil {
			return nil, err
		}
		fs, ok := s.(frameworkServer)
		if !ok {
			return nil, fmt.Errorf("provider bug: the framework's server %T lacks an optional interface of terraform-plugin-go", s)
		}
		return functionServer{fs}, nil
	}
}

// frameworkServer is every interface the framework's server serves:
// tfprotov6.ProviderServer and the servers of terraform-plugin-go's optional
// features, which its gRPC server finds by type assertion (as
// ProviderServerWithListResource and the like). Embedding it whole keeps
// every framework feature reachable through functionServer;
// TestFunctionServerHidesNothing fails when the framework's server gains a
// method this union lacks.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

var _ frameworkServer = functionServer{}

// functionServer is the framework's server with its own CallFunction.
type functionServer struct {
	frameworkServer
}

func (s functionServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	if req.Name != keyHygieneName {
		return s.frameworkServer.CallFunction(ctx, req)
	}
	if saved, ok := savedResult(); ok {
		return &tfprotov6.CallFunctionResponse{Result: saved}, nil
	}
	fail := func(argument int64, text string) (*tfprotov6.CallFunctionResponse, error) {
		return &tfprotov6.CallFunctionResponse{Error: &tfprotov6.FunctionError{Text: text, FunctionArgument: &argument}}, nil
	}
	if len(req.Arguments) != 2 {
		return &tfprotov6.CallFunctionResponse{Error: &tfprotov6.FunctionError{
			Text: "key_hygiene takes two arguments, keys and settings"}}, nil
	}
	args := make([]any, 2)
	for i, dv := range req.Arguments {
		v, err := argumentValue(dv)
		var unknown errUnknown
		switch {
		case errors.As(err, &unknown):
			return fail(int64(i), keyHygieneParameters[i]+" "+err.Error())
		case err != nil:
			return fail(int64(i), "the argument cannot be read: "+err.Error())
		}
		args[i] = v
	}
	result, problem := keyHygiene(args[0], args[1])
	if problem != nil {
		return fail(problem.argument, problem.text)
	}
	dv := tfprotov6.DynamicValue{MsgPack: result}
	saveResult(&dv)
	return &tfprotov6.CallFunctionResponse{Result: &dv}, nil
}

// argumentValue reads an argument into the engine's plain values: from
// msgpack directly, the form Terraform sends, else through tftypes.
func argumentValue(dv *tfprotov6.DynamicValue) (any, error) {
	if len(dv.MsgPack) > 0 {
		return decodeArgument(dv.MsgPack)
	}
	v, err := dv.Unmarshal(tftypes.DynamicPseudoType)
	if err != nil {
		return nil, err
	}
	return plainValue(v)
}
