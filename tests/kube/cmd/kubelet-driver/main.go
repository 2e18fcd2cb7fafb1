// Command kubelet-driver looks images up the way kubelet does before a
// pull, with kubelet's own code against a real API server: it registers the
// credential providers of a CredentialProviderConfig with
// plugin.RegisterCredentialProviderPlugins, giving it kubelet's token
// manager (pkg/kubelet/token, TokenRequest bound to the pod) and the
// ServiceAccount getter kubelet.go builds, both on a client for the node's
// kubeconfig (system:node:<name>, so the Node authorizer and NodeRestriction
// decide). For each lookup it turns the pod's image into the repository
// kubelet asks about (parsers.ParseImageName, as image_manager.go does) and
// calls plugin.NewExternalCredentialProviderDockerKeyring(namespace, podName,
// podUID, serviceAccount).Lookup(repository), which execs the provider.
//
// It reads JSON values on stdin: first the node,
//
//	{"kubeconfig": "<node kubeconfig>", "providerConfig": "<file or directory>",
//	 "binDir": "<dir with the provider executables>",
//	 "providerRunsFile": "<file a provider wrapper appends one line to per run>",   (optional)
//	 "providerRequestsFile": "<file a wrapper appends each request to, token redacted>", (optional)
//	 "featureGates": {"KubeletEnsureSecretPulledImages": true}}   (optional, over the defaults)
//
// then any number of lookups, each answered as soon as it is read (so a
// test can change the cluster between two lookups of one kubelet),
//
//	{"name", "namespace", "podName", "podUID", "serviceAccount", "image"}
//
// with one JSON line, what kubelet got:
//
//	{"name": "…", "repository": "docker.io/library/nginx", "found": bool,
//	 "credentials": [{"username": "", "password": "***", "serviceAccount": "ns/name"|null}],
//	 "errors": ["<kubelet's error log lines, without klog's header>"],
//	 "tokenRequests": [{"namespace", "serviceAccount", "audiences", "boundPod", "claims"|"error"}],
//	 "providerRuns": n, "providerRequests": [<request as the provider got it>]}
//
// Credentials are masked (a non-empty value is "***") and a token is never
// printed: tokenRequests shows the claims of the token kubelet's manager
// returned, not the token. A bad input or a failure to wire kubelet's code
// ends the program with exit status 2.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/kubernetes/pkg/credentialprovider/plugin"
	"k8s.io/kubernetes/pkg/util/parsers"
)

type input struct {
	Kubeconfig           string          `json:"kubeconfig"`
	ProviderConfig       string          `json:"providerConfig"`
	BinDir               string          `json:"binDir"`
	ProviderRunsFile     string          `json:"providerRunsFile"`
	ProviderRequestsFile string          `json:"providerRequestsFile"`
	FeatureGates         map[string]bool `json:"featureGates"`
}

// lookup is one pull kubelet prepares: a pod (its service account may be
// empty, as for a static pod) and the image its container names.
type lookup struct {
	Name           string `json:"name"`
	Namespace      string `json:"namespace"`
	PodName        string `json:"podName"`
	PodUID         string `json:"podUID"`
	ServiceAccount string `json:"serviceAccount"`
	Image          string `json:"image"`
}

type credential struct {
	Username       string  `json:"username"`
	Password       string  `json:"password"`
	ServiceAccount *string `json:"serviceAccount"`
}

type result struct {
	Name             string            `json:"name"`
	Repository       string            `json:"repository"`
	Found            bool              `json:"found"`
	Credentials      []credential      `json:"credentials"`
	Errors           []string          `json:"errors"`
	TokenRequests    []tokenRequest    `json:"tokenRequests"`
	ProviderRuns     int               `json:"providerRuns"`
	ProviderRequests []json.RawMessage `json:"providerRequests"`
}

func readInput(decoder *json.Decoder) (*input, error) {
	var in input
	if err := decoder.Decode(&in); err != nil {
		return nil, fmt.Errorf("invalid input: %w", err)
	}
	for name, path := range map[string]string{
		"kubeconfig": in.Kubeconfig, "providerConfig": in.ProviderConfig, "binDir": in.BinDir,
	} {
		if !filepath.IsAbs(path) {
			return nil, fmt.Errorf("invalid input: %s must be an absolute path, not %q", name, path)
		}
	}
	return &in, nil
}

// nextLookup reads the next lookup; io.EOF at the end of the input.
func nextLookup(decoder *json.Decoder) (*lookup, error) {
	var l lookup
	if err := decoder.Decode(&l); err != nil {
		if err == io.EOF {
			return nil, err
		}
		return nil, fmt.Errorf("invalid lookup: %w", err)
	}
	if l.Name == "" || l.Namespace == "" || l.PodName == "" || l.PodUID == "" || l.Image == "" {
		return nil, fmt.Errorf("invalid lookup %q: needs name, namespace, podName, podUID and image", l.Name)
	}
	return &l, nil
}

func mask(value string) string {
	if value == "" {
		return ""
	}
	return "***"
}

// appended returns what a file gained since it had length from bytes.
func appended(path string, from int) ([]byte, int, error) {
	if path == "" {
		return nil, 0, nil
	}
	content, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	return content[from:], len(content), nil
}

func run(stdin io.Reader, stdout io.Writer) error {
	decoder := json.NewDecoder(stdin)
	decoder.DisallowUnknownFields()
	in, err := readInput(decoder)
	if err != nil {
		return err
	}
	// kubelet's --feature-gates: the credential source of a lookup is only
	// tracked with KubeletEnsureSecretPulledImages (alpha, off, in 1.34).
	if err := utilfeature.DefaultMutableFeatureGate.SetFromMap(in.FeatureGates); err != nil {
		return err
	}
	errorLog := captureErrors()
	node, err := newNodeClient(in.Kubeconfig)
	if err != nil {
		return err
	}
	if err := plugin.RegisterCredentialProviderPlugins(
		in.ProviderConfig, in.BinDir, node.getServiceAccountToken, node.getServiceAccount,
	); err != nil {
		return fmt.Errorf("registering credential provider plugins: %w", err)
	}
	encoder := json.NewEncoder(stdout)
	_, runsAt, err := appended(in.ProviderRunsFile, 0)
	if err != nil {
		return err
	}
	_, requestsAt, err := appended(in.ProviderRequestsFile, 0)
	if err != nil {
		return err
	}
	for {
		l, err := nextLookup(decoder)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		errorLog.Reset()
		node.requests = []tokenRequest{}
		out := result{Name: l.Name, Credentials: []credential{}, ProviderRequests: []json.RawMessage{}}
		repository, _, _, err := parsers.ParseImageName(l.Image)
		if err != nil {
			return fmt.Errorf("lookup %q: %w", l.Name, err)
		}
		out.Repository = repository
		keyring := plugin.NewExternalCredentialProviderDockerKeyring(l.Namespace, l.PodName, l.PodUID, l.ServiceAccount)
		found, ok := keyring.Lookup(repository)
		out.Found = ok
		for _, c := range found {
			entry := credential{Username: mask(c.Username), Password: mask(c.Password)}
			if c.Source != nil && c.Source.ServiceAccount != nil {
				account := c.Source.ServiceAccount.Namespace + "/" + c.Source.ServiceAccount.Name
				entry.ServiceAccount = &account
			}
			out.Credentials = append(out.Credentials, entry)
		}
		out.Errors = errorLog.entries()
		out.TokenRequests = node.requests
		var runs, requests []byte
		if runs, runsAt, err = appended(in.ProviderRunsFile, runsAt); err != nil {
			return err
		}
		out.ProviderRuns = bytes.Count(runs, []byte("\n"))
		if requests, requestsAt, err = appended(in.ProviderRequestsFile, requestsAt); err != nil {
			return err
		}
		for _, line := range bytes.Split(bytes.TrimSpace(requests), []byte("\n")) {
			if len(line) > 0 {
				out.ProviderRequests = append(out.ProviderRequests, json.RawMessage(line))
			}
		}
		if err := encoder.Encode(out); err != nil {
			return err
		}
	}
}

func main() {
	if len(os.Args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: kubelet-driver < input.json")
		os.Exit(2)
	}
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kubelet-driver:", err)
		os.Exit(2)
	}
}
