// Command kubelet-config-check asks kubelet's own start-up code whether it
// accepts a credential provider config: it sets the feature gates as given
// (the others keep this Kubernetes version's defaults) and calls
// plugin.RegisterCredentialProviderPlugins on the config and a bin dir, as
// kubelet does when --image-credential-provider-config is set. kubelet exits
// when that call fails, so an error here is a node that does not start.
//
// It reads one JSON object on stdin:
//
//	{"config": "<config file or directory>", "binDir": "<dir with one executable per provider>",
//	 "gates": {"KubeletServiceAccountTokenForCredentialProviders": true}}   ("gates" optional)
//
// and writes one JSON line:
//
//	{"kubernetes": "v1.34.4",
//	 "defaultGates": {"KubeletServiceAccountTokenForCredentialProviders": true},
//	 "gates": {"KubeletServiceAccountTokenForCredentialProviders": true},
//	 "accepted": true|false, "error": "<kubelet's error text>"}     ("error" only when refused)
//
// One config per process: kubelet registers providers in a process-wide
// list that panics on a second registration of a name. A bad input ends
// the program with exit status 2.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	authenticationv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/featuregate"
	"k8s.io/kubernetes/pkg/credentialprovider/plugin"
	"k8s.io/kubernetes/pkg/features"
)

type input struct {
	Config string          `json:"config"`
	BinDir string          `json:"binDir"`
	Gates  map[string]bool `json:"gates"`
}

type output struct {
	Kubernetes   string          `json:"kubernetes"`
	DefaultGates map[string]bool `json:"defaultGates"`
	Gates        map[string]bool `json:"gates"`
	Accepted     bool            `json:"accepted"`
	Error        string          `json:"error,omitempty"`
}

// The gates the output reports.
var reportedGates = []featuregate.Feature{
	features.KubeletServiceAccountTokenForCredentialProviders,
}

func gateStates() map[string]bool {
	states := map[string]bool{}
	for _, gate := range reportedGates {
		states[string(gate)] = utilfeature.DefaultFeatureGate.Enabled(gate)
	}
	return states
}

// kubernetesVersion is the k8s.io/kubernetes module this binary was built with.
func kubernetesVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, dep := range info.Deps {
		if dep.Path == "k8s.io/kubernetes" {
			return dep.Version
		}
	}
	return ""
}

// Registration only checks the config and the executables; the provider is
// never run here, so the token and service-account lookups are never called.
func noToken(namespace, name string, _ *authenticationv1.TokenRequest) (*authenticationv1.TokenRequest, error) {
	return nil, fmt.Errorf("no token for %s/%s in this check", namespace, name)
}

func noServiceAccount(namespace, name string) (*v1.ServiceAccount, error) {
	return nil, fmt.Errorf("no service account %s/%s in this check", namespace, name)
}

func run(stdin io.Reader, stdout io.Writer) error {
	decoder := json.NewDecoder(stdin)
	decoder.DisallowUnknownFields()
	var in input
	if err := decoder.Decode(&in); err != nil {
		return fmt.Errorf("reading the input: %w", err)
	}
	if in.Config == "" || in.BinDir == "" {
		return errors.New("the input needs config and binDir")
	}
	defaults := gateStates()
	if err := utilfeature.DefaultMutableFeatureGate.SetFromMap(in.Gates); err != nil {
		return fmt.Errorf("setting feature gates: %w", err)
	}
	result := output{
		Kubernetes:   kubernetesVersion(),
		DefaultGates: defaults,
		Gates:        gateStates(),
		Accepted:     true,
	}
	if err := plugin.RegisterCredentialProviderPlugins(in.Config, in.BinDir, noToken, noServiceAccount); err != nil {
		result.Accepted = false
		result.Error = err.Error()
	}
	return json.NewEncoder(stdout).Encode(result)
}

func main() {
	if len(os.Args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: kubelet-config-check < input.json")
		os.Exit(2)
	}
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "kubelet-config-check: %v\n", err)
		os.Exit(2)
	}
}
