package openaitest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"
)

// FaultKind says what an injected fault does to a request.
type FaultKind int

const (
	// FaultStatus replies Status (default 500) with the error envelope the API
	// sends for it, plus Headers; Body, if set, replaces the body and Message
	// the envelope's message.
	FaultStatus FaultKind = iota
	// FaultMalformedJSON replies 200 with a truncated JSON body.
	FaultMalformedJSON
	// FaultBareError replies Status (default 401) with {"error":"<Message>"},
	// the bare-string form the official Go SDK fails to parse.
	FaultBareError
	// FaultMissingScope replies Options.MissingScopeStatus with the
	// missing-scope envelope.
	FaultMissingScope
	// FaultRepeatCursor ignores after and serves the first page again with
	// has_more true, so a client following after sees the cursor not advance.
	FaultRepeatCursor
	// FaultEmptyPageHasMore replies an empty list that claims has_more true.
	FaultEmptyPageHasMore
	// FaultOmitID serves the page normally but drops the last element's "id".
	FaultOmitID
	// FaultDropConnection closes the connection without a response.
	FaultDropConnection
	// FaultLatency waits Latency on the server's Clock, then serves normally;
	// with a Gate and no Latency, it holds the request at the gate only.
	FaultLatency
	// FaultHang blocks until the request's context is done (or the server
	// closes) and writes nothing.
	FaultHang

	// The faults below serve responses the API's schema does not allow, so
	// that tests can show what the client and provider make of them.

	// FaultNullNames serves every element with a null name, and project key
	// owners with a null name and email (the schema requires them there).
	FaultNullNames
	// FaultOmitOwnerDetails serves admin keys with an empty owner object and
	// project keys with an owner that has only its type.
	FaultOmitOwnerDetails
	// FaultOmitCreatedAt drops the required created_at of the last element.
	FaultOmitCreatedAt
)

var faultNames = [...]string{
	"FaultStatus", "FaultMalformedJSON", "FaultBareError", "FaultMissingScope", "FaultRepeatCursor",
	"FaultEmptyPageHasMore", "FaultOmitID", "FaultDropConnection", "FaultLatency", "FaultHang",
	"FaultNullNames", "FaultOmitOwnerDetails", "FaultOmitCreatedAt",
}

func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(faultNames) {
		return faultNames[k]
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault is a misbehaviour applied to the next matching requests.
type Fault struct {
	Kind FaultKind
	// Path matches requests whose path after /v1 starts with it; "" matches all.
	Path string
	// Times is how many matching requests it applies to; 0 means 1.
	Times   int
	Status  int
	Headers map[string]string // E.g. {"retry-after": "2"}, {"retry-after-ms": "1500"}, {"x-should-retry": "false"}.
	Body    string
	Message string // For FaultBareError, or to override an envelope's message.
	Latency time.Duration
	// Gate, when set, holds each request the fault applies to until the gate
	// opens, then applies the fault. A request cancelled while held is
	// abandoned without an answer.
	Gate *Gate
}

// missingScopeMessage is the text users report for an admin key without the
// read scope.
const missingScopeMessage = "You have insufficient permissions for this operation. Missing scopes: api.management.read."

// malformedBody is cut off inside the first key, as a dropped proxy stream is.
const malformedBody = `{"object":"list","data":[{"object":"organization.admin_api_key","id":"key_trunc","name":"cut-off`

const emptyPageHasMoreBody = `{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":true}`

type pendingFault struct {
	f    Fault
	left int
}

// Inject queues f. Faults apply in injection order: a request takes the first
// queued fault whose Path matches, and a fault is discarded once used Times
// times. Requests refused by auth or the rate limiter do not use faults.
func (s *Server) Inject(f Fault) {
	if f.Kind < FaultStatus || f.Kind > FaultOmitCreatedAt {
		panic(fmt.Sprintf("openaitest: unknown fault kind %v", f.Kind))
	}
	left := f.Times
	if left <= 0 {
		left = 1
	}
	// Copy the headers so the caller may reuse its map.
	f.Headers = maps.Clone(f.Headers)
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = append(s.faults, &pendingFault{f: f, left: left})
}

func (s *Server) takeFault(path string) (Fault, bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for i, pf := range s.faults {
		if !strings.HasPrefix(path, pf.f.Path) {
			continue
		}
		pf.left--
		if pf.left == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return pf.f, true
	}
	return Fault{}, false
}

// mods are the changes a fault makes to an otherwise normal response.
type mods struct {
	ignoreAfter  bool
	forceHasMore bool
	// last applies to the last element of a page (or the one object of a
	// get), every to all of them.
	last, every shape
}

// applyFault carries out f. It reports whether the response is finished; if
// not, the request is routed as usual with the returned mods.
func (s *Server) applyFault(rw *responder, r *http.Request, f Fault) (mods, bool) {
	if f.Gate != nil {
		ctx, stop := s.requestContext(r)
		opened := f.Gate.hold(ctx.Done())
		stop()
		if !opened {
			abandon(r)
			return mods{}, true
		}
	}
	if len(f.Headers) > 0 {
		if rw.headers == nil {
			rw.headers = map[string]string{}
		}
		maps.Copy(rw.headers, f.Headers)
	}
	switch f.Kind {
	case FaultStatus:
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		if f.Body != "" {
			rw.write(status, []byte(f.Body))
		} else {
			rw.fail(statusError(status, f.Message))
		}
	case FaultMalformedJSON:
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		body := malformedBody
		if f.Body != "" {
			body = f.Body
		}
		rw.write(status, []byte(body))
	case FaultBareError:
		status := f.Status
		if status == 0 {
			status = http.StatusUnauthorized
		}
		msg := f.Message
		if msg == "" {
			msg = "Invalid authorization header"
		}
		body, err := json.Marshal(map[string]string{"error": msg})
		if err != nil {
			panic(fmt.Sprintf("openaitest: encode bare error: %v", err))
		}
		rw.write(status, body)
	case FaultMissingScope:
		msg := missingScopeMessage
		if f.Message != "" {
			msg = f.Message
		}
		rw.fail(&apiError{status: s.opts.MissingScopeStatus, message: msg, typ: "invalid_request_error"})
	case FaultRepeatCursor:
		return mods{ignoreAfter: true, forceHasMore: true}, false
	case FaultEmptyPageHasMore:
		rw.write(http.StatusOK, []byte(emptyPageHasMoreBody))
	case FaultOmitID:
		return mods{last: shape{omitID: true}}, false
	case FaultOmitCreatedAt:
		return mods{last: shape{omitCreatedAt: true}}, false
	case FaultNullNames:
		return mods{every: shape{nullNames: true}}, false
	case FaultOmitOwnerDetails:
		return mods{every: shape{omitOwner: true}}, false
	case FaultDropConnection:
		rw.drop()
	case FaultLatency:
		ctx, stop := s.requestContext(r)
		defer stop()
		if err := s.clock.Sleep(ctx, f.Latency); err != nil {
			abandon(r)
			return mods{}, true
		}
		return mods{}, false
	case FaultHang:
		ctx, stop := s.requestContext(r)
		defer stop()
		<-ctx.Done()
		abandon(r)
	}
	return mods{}, true
}

// requestContext is the request's context, also cancelled when the server
// closes, so a hanging handler never blocks Close.
func (s *Server) requestContext(r *http.Request) (context.Context, func()) {
	ctx, cancel := context.WithCancel(r.Context())
	stop := context.AfterFunc(s.done, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// abandon ends a request that was cut short without answering. If the client
// is gone there is nobody to answer; if the server is closing, the connection
// is aborted so the client does not mistake net/http's implicit empty 200 for
// a real response.
func abandon(r *http.Request) {
	if r.Context().Err() == nil {
		panic(http.ErrAbortHandler)
	}
}

// drop closes the connection after the first bytes of a status line. Sending
// nothing at all would let net/http's Transport silently retry a GET on a
// reused connection, so whether a client saw the drop would depend on its
// connection pool; a torn status line reaches the client as an error every time.
func (rw *responder) drop() {
	hj, ok := rw.w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_, _ = conn.Write([]byte("HTTP/1.1 "))
	_ = conn.Close()
}
