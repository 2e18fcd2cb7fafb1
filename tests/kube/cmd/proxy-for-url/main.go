// Command proxy-for-url is a test oracle: it answers which proxy client-go's
// transport would use for a GET to a URL, given the proxy environment.
//
// It reads JSON lines on stdin, each a URL and the proxy variables to set:
//
//	{"url":"https://api.example:6443","env":{"HTTPS_PROXY":"http://proxy:3128","NO_PROXY":".svc"}}
//
// For each line it clears HTTP_PROXY, http_proxy, HTTPS_PROXY, https_proxy,
// NO_PROXY, no_proxy and REQUEST_METHOD, sets the variables given, and
// computes the proxy as client-go does: golang.org/x/net/http/httpproxy
// (what net/http's ProxyFromEnvironment runs) wrapped by
// k8s.io/apimachinery's NewProxierWithNoProxyCIDR, which client-go's
// transport installs (utilnet.SetTransportDefaults). Both read the
// environment when they are constructed, so both are built afresh for every
// line; http.ProxyFromEnvironment itself is not used because it reads the
// environment only once per process. The module builds x/net v0.38.0, the
// version client-go v0.34.4 requires; its http/httpproxy/proxy.go is
// identical to the copy Go 1.26 vendors into net/http. REQUEST_METHOD may be
// given too, to see Go's refusal of HTTP_PROXY under CGI.
//
// For each line it writes one JSON line on stdout:
//
//	{"proxy":"<the proxy URL's String()>"}
//	{"proxy":null}
//	{"error":"<the Go error's message>"}
//
// "null" means a direct connection; "error" is what the proxy function
// returned (the transport aborts the request with it). A line that is not
// valid input, or whose URL Go cannot parse into a request, is reported on
// stderr and ends the program with exit status 2.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"

	"golang.org/x/net/http/httpproxy"
	utilnet "k8s.io/apimachinery/pkg/util/net"
)

// variables are the environment variables the proxy functions read.
var variables = []string{
	"HTTP_PROXY", "http_proxy",
	"HTTPS_PROXY", "https_proxy",
	"NO_PROXY", "no_proxy",
	"REQUEST_METHOD",
}

// request is one input line.
type request struct {
	URL string            `json:"url"`
	Env map[string]string `json:"env"`
}

// proxyAnswer and errorAnswer are the output lines.
type proxyAnswer struct {
	Proxy *string `json:"proxy"`
}

type errorAnswer struct {
	Error string `json:"error"`
}

// setEnvironment leaves exactly the given proxy variables set.
func setEnvironment(env map[string]string) error {
	for _, name := range variables {
		if err := os.Unsetenv(name); err != nil {
			return err
		}
	}
	for name, value := range env {
		known := false
		for _, v := range variables {
			known = known || v == name
		}
		if !known {
			return fmt.Errorf("not a proxy variable: %q", name)
		}
		if err := os.Setenv(name, value); err != nil {
			return err
		}
	}
	return nil
}

// clientGoProxy is the proxy client-go's transport uses for a GET to target,
// with both proxy functions built from the current environment.
func clientGoProxy(target string) (any, error) {
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	proxier := utilnet.NewProxierWithNoProxyCIDR(func(req *http.Request) (*url.URL, error) {
		return httpproxy.FromEnvironment().ProxyFunc()(req.URL)
	})
	proxy, err := proxier(req)
	if err != nil {
		return errorAnswer{Error: err.Error()}, nil
	}
	if proxy == nil {
		return proxyAnswer{Proxy: nil}, nil
	}
	text := proxy.String()
	return proxyAnswer{Proxy: &text}, nil
}

func answer(line []byte) (any, error) {
	var req request
	decoder := json.NewDecoder(bytes.NewReader(line))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&req); err != nil {
		return nil, fmt.Errorf("invalid input: %w", err)
	}
	if _, err := decoder.Token(); err != io.EOF {
		return nil, fmt.Errorf("invalid input: more than one JSON value")
	}
	if err := setEnvironment(req.Env); err != nil {
		return nil, err
	}
	return clientGoProxy(req.URL)
}

func run(stdin io.Reader, stdout io.Writer) error {
	reader := bufio.NewReader(stdin)
	writer := bufio.NewWriter(stdout)
	defer writer.Flush()
	for lineNumber := 1; ; lineNumber++ {
		line, readErr := reader.ReadBytes('\n')
		if readErr != nil && readErr != io.EOF {
			return readErr
		}
		if len(bytes.TrimSpace(line)) > 0 {
			out, err := answer(line)
			if err != nil {
				return fmt.Errorf("line %d: %w", lineNumber, err)
			}
			encoded, err := json.Marshal(out)
			if err != nil {
				return fmt.Errorf("line %d: %w", lineNumber, err)
			}
			if _, err := writer.Write(append(encoded, '\n')); err != nil {
				return err
			}
			// Answer each line as it comes, so a caller can stream lines
			// and read answers without closing stdin first.
			if reader.Buffered() == 0 {
				if err := writer.Flush(); err != nil {
					return err
				}
			}
		}
		if readErr == io.EOF {
			return writer.Flush()
		}
	}
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "proxy-for-url:", err)
		os.Exit(2)
	}
}
