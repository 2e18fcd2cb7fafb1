// Command api-stand-in stands in for kube-apiserver in the benchmark, for both
// programs: Go's net/http over TLS on loopback, as kube-apiserver serves
// (HTTP/2 when the client offers it, HTTP/1.1 otherwise; -http1 offers only
// HTTP/1.1), with TCP_NODELAY on every connection (Go's default, set again
// here) and full-size TLS records from the start. It serves the Secrets list
// (fieldSelector=type=…, limit/continue paging, a bearer token per namespace)
// from answers computed once and kept.
//
// Over HTTP/1.1 each answer, head and body, leaves in one send: the
// connection holds the TLS records the handler writes and sends them with one
// write. Over HTTP/2 the frames are written by the connection's own goroutine,
// as Go's server (and so kube-apiserver) writes them: HEADERS and DATA
// together for a small answer, a large one in pieces of about 16 KiB, as far
// as the client's flow-control window allows.
//
// The namespaces come from a JSON file (-namespaces):
//
//	{"<namespace>": {"token": "…", "secrets": [{"name": "…", "type": "…", "data": {"<key>": "<plain text>"}}]}}
//
// Control, one line per command on stdin, one answer per line on stdout:
//
//	take   what was served since the last take, as JSON: requests, answer
//	       bytes, round trips in latency (the longest chain of requests each
//	       received at least a round trip, 1 ms, after the previous one was
//	       answered; a request counts as received when the last read before
//	       its handler started ended), connections accepted, protocols,
//	       statuses other than 200
//
// It prints "ready <port>" once listening, and exits when stdin closes.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

type secret struct {
	Name string            `json:"name"`
	Type string            `json:"type"`
	Data map[string]string `json:"data"`
}

type namespace struct {
	Token   string   `json:"token"`
	Secrets []secret `json:"secrets"`
}

type answer struct {
	status int
	body   []byte
}

type served struct {
	start, end time.Time
	bytes      int
	status     int
	protocol   string
}

type stats struct {
	Requests    int      `json:"requests"`
	AnswerBytes int      `json:"answerBytes"`
	Rounds      int      `json:"rounds"`
	Connections int      `json:"connections"`
	Protocols   []string `json:"protocols"`
	Failures    []int    `json:"failures"`
}

type standIn struct {
	namespaces map[string]namespace

	mu          sync.Mutex
	answers     map[string]answer
	items       map[string][]json.RawMessage
	served      []*served
	connections int
}

func main() {
	file := ""
	cert, key, http1 := "", "", false
	for _, arg := range os.Args[1:] {
		switch {
		case strings.HasPrefix(arg, "-namespaces="):
			file = strings.TrimPrefix(arg, "-namespaces=")
		case strings.HasPrefix(arg, "-cert="):
			cert = strings.TrimPrefix(arg, "-cert=")
		case strings.HasPrefix(arg, "-key="):
			key = strings.TrimPrefix(arg, "-key=")
		case arg == "-http1":
			http1 = true
		default:
			fail("usage: api-stand-in -namespaces=FILE -cert=PEM -key=PEM [-http1]")
		}
	}
	s := &standIn{answers: map[string]answer{}, items: map[string][]json.RawMessage{}}
	raw, err := os.ReadFile(file)
	if err != nil {
		fail(err.Error())
	}
	if err := json.Unmarshal(raw, &s.namespaces); err != nil {
		fail(err.Error())
	}
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		fail(err.Error())
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err.Error())
	}
	server := &http.Server{
		Handler: s,
		TLSConfig: &tls.Config{
			Certificates:                []tls.Certificate{pair},
			DynamicRecordSizingDisabled: true,
		},
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if tlsConn, ok := c.(*tls.Conn); ok {
				if held, ok := tlsConn.NetConn().(*heldConn); ok {
					return context.WithValue(ctx, heldKey{}, held)
				}
			}
			return ctx
		},
		// Clients that open a connection and drop it unused (Deno races them) are no error.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	if http1 {
		server.TLSConfig.NextProtos = []string{"http/1.1"}
		server.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
	}
	go func() {
		// ServeTLS offers h2 and http/1.1 unless TLSNextProto is set, as kube-apiserver does.
		err := server.ServeTLS(countingListener{listener, s}, "", "")
		fail(err.Error())
	}()
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(out, "ready %d\n", listener.Addr().(*net.TCPAddr).Port)
	out.Flush()
	lines := bufio.NewScanner(os.Stdin)
	for lines.Scan() {
		if lines.Text() != "take" {
			fmt.Fprintf(out, "{\"error\":%q}\n", lines.Text())
		} else {
			encoded, _ := json.Marshal(s.take())
			fmt.Fprintf(out, "%s\n", encoded)
		}
		out.Flush()
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "api-stand-in:", message)
	os.Exit(1)
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	record := &served{start: time.Now(), protocol: fmt.Sprintf("%d.%d", r.ProtoMajor, r.ProtoMinor)}
	conn, _ := r.Context().Value(heldKey{}).(*heldConn)
	if conn != nil {
		record.start = conn.arrivedBy(record.start)
	}
	a := s.answer(r)
	s.mu.Lock()
	record.status, record.bytes = a.status, len(a.body)
	s.served = append(s.served, record)
	s.mu.Unlock()
	// Over HTTP/1.1 this goroutine writes the answer to the connection itself.
	held := conn
	if r.ProtoMajor != 1 {
		held = nil
	}
	if held != nil {
		held.hold()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
	w.(http.Flusher).Flush()
	if held != nil {
		held.send()
	}
	s.mu.Lock()
	record.end = time.Now()
	s.mu.Unlock()
}
