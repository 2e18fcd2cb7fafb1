// Command kubelet-image-manager runs kubelet's own image manager against a
// real credential provider and a fake container runtime that behaves like
// CRI-O with namespaced auth files, to show which pods kubelet lets start a
// cached image (KEP-2535, KubeletEnsureSecretPulledImages).
//
// What is kubelet's code: images.NewImageManager (EnsureImageExists, the
// pull and the pull record), pullmanager.NewImagePullManager on
// NewFSPullRecordsAccessor (wrapped in NewCachedPullRecordsAccessor, as
// kubelet wraps it) with NewImagePullCredentialVerificationPolicy, and
// plugin.RegisterCredentialProviderPlugins, which reads the provider config
// and execs the provider for real. What is faked: the container runtime (see
// crio.go: kubelet's kuberuntime PullImage contract in front of a CRI-O-like
// image store), the service-account token and the ServiceAccount lookup (see
// tokens.go). The node keyring is empty unless the input gives entries.
//
// It reads one JSON object on stdin:
//
//	{"binDir": "<dir with the provider executable>",
//	 "providerConfig": "<CredentialProviderConfig file>",
//	 "recordsDir": "<kubelet root dir for image_manager/pulled, pulling>",
//	 "authDir": "<CRI-O's namespaced auth dir>",
//	 "providerRunsFile": "<file the provider wrapper appends one line to per run>",
//	 "policy": "NeverVerifyPreloadedImages"|"AlwaysVerify"|"NeverVerify"|"NeverVerifyAllowlistedImages",
//	 "allowlist": ["<image pattern>", …],          (optional, NeverVerifyAllowlistedImages)
//	 "gate": true|false,                           (KubeletEnsureSecretPulledImages, set explicitly)
//	 "apiServer": "https://127.0.0.1:PORT",        (optional, the tokens' issuer)
//	 "nodeKeyring": {"<registry>": {"username": "…", "password": "…"}},  (optional)
//	 "steps": [{"name", "namespace", "podName", "podUID", "serviceAccount",
//	            "serviceAccountUID", "image", "pullPolicy"}, …]}
//
// and writes one JSON line per step:
//
//	{"name": "…", "started": bool, "error": "ErrImagePull"|…|null, "message": "…",
//	 "pulled": bool, "pullAttempts": n, "authToCRI": null|{"username": "…"},
//	 "dockerAuthConfig": bool, "consumedAuthFile": bool, "providerRuns": n,
//	 "events": ["Normal Pulled …", …], "record": <pull record file>|null}
//
// "pulled" is a successful CRI pull in this step; "authToCRI" is the
// AuthConfig kubelet passed to the last CRI PullImage of the step (null when
// it passed none, or made no pull: see pullAttempts); "dockerAuthConfig" is
// whether CRI-O would set DockerAuthConfig for it (username != ""); "record"
// is kubelet's pull record for the image ID the runtime reports for the
// step's image, as kubelet wrote it to disk.
//
// With the argument -version it prints instead
//
//	{"kubernetes": "v1.35.4", "defaultGates": {"KubeletEnsureSecretPulledImages": true, …}}
//
// A bad input or a failure to wire kubelet ends the program with exit status 2.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/flowcontrol"
	"k8s.io/component-base/featuregate"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	"k8s.io/kubernetes/pkg/credentialprovider"
	"k8s.io/kubernetes/pkg/credentialprovider/plugin"
	"k8s.io/kubernetes/pkg/features"
	kubeletconfiginternal "k8s.io/kubernetes/pkg/kubelet/apis/config"
	"k8s.io/kubernetes/pkg/kubelet/images"
	"k8s.io/kubernetes/pkg/kubelet/images/pullmanager"
)

// input is the one JSON object on stdin.
type input struct {
	BinDir           string                      `json:"binDir"`
	ProviderConfig   string                      `json:"providerConfig"`
	RecordsDir       string                      `json:"recordsDir"`
	AuthDir          string                      `json:"authDir"`
	ProviderRunsFile string                      `json:"providerRunsFile"`
	Policy           string                      `json:"policy"`
	Allowlist        []string                    `json:"allowlist"`
	Gate             *bool                       `json:"gate"`
	APIServer        string                      `json:"apiServer"`
	NodeKeyring      map[string]nodeKeyringEntry `json:"nodeKeyring"`
	Steps            []step                      `json:"steps"`
}

type nodeKeyringEntry struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// step is one container start: a pod and its container's image and pull policy.
type step struct {
	Name              string        `json:"name"`
	Namespace         string        `json:"namespace"`
	PodName           string        `json:"podName"`
	PodUID            string        `json:"podUID"`
	ServiceAccount    string        `json:"serviceAccount"`
	ServiceAccountUID string        `json:"serviceAccountUID"`
	Image             string        `json:"image"`
	PullPolicy        v1.PullPolicy `json:"pullPolicy"`
}

// authToCRI is what the output shows of the AuthConfig kubelet sent.
type authToCRI struct {
	Username string `json:"username"`
}

// stepResult is one output line.
type stepResult struct {
	Name             string          `json:"name"`
	Started          bool            `json:"started"`
	Error            *string         `json:"error"`
	Message          string          `json:"message"`
	Pulled           bool            `json:"pulled"`
	PullAttempts     int             `json:"pullAttempts"`
	AuthToCRI        *authToCRI      `json:"authToCRI"`
	DockerAuthConfig bool            `json:"dockerAuthConfig"`
	ConsumedAuthFile bool            `json:"consumedAuthFile"`
	ProviderRuns     int             `json:"providerRuns"`
	Events           []string        `json:"events"`
	Record           json.RawMessage `json:"record"`
}

// The gates this program reports and sets.
var reportedGates = []featuregate.Feature{
	features.KubeletEnsureSecretPulledImages,
	features.KubeletServiceAccountTokenForCredentialProviders,
}

func readInput(stdin io.Reader) (*input, error) {
	decoder := json.NewDecoder(stdin)
	decoder.DisallowUnknownFields()
	var in input
	if err := decoder.Decode(&in); err != nil {
		return nil, fmt.Errorf("invalid input: %w", err)
	}
	if _, err := decoder.Token(); err != io.EOF {
		return nil, errors.New("invalid input: more than one JSON value")
	}
	for name, path := range map[string]string{
		"binDir": in.BinDir, "providerConfig": in.ProviderConfig, "recordsDir": in.RecordsDir,
		"authDir": in.AuthDir, "providerRunsFile": in.ProviderRunsFile,
	} {
		if !filepath.IsAbs(path) {
			return nil, fmt.Errorf("invalid input: %s must be an absolute path, not %q", name, path)
		}
	}
	if in.Gate == nil {
		return nil, errors.New("invalid input: gate (KubeletEnsureSecretPulledImages) must be given")
	}
	for i, s := range in.Steps {
		if s.Name == "" || s.Namespace == "" || s.PodName == "" || s.PodUID == "" || s.Image == "" {
			return nil, fmt.Errorf("invalid input: step %d needs name, namespace, podName, podUID and image", i)
		}
		switch s.PullPolicy {
		case v1.PullAlways, v1.PullIfNotPresent, v1.PullNever:
		default:
			return nil, fmt.Errorf("invalid input: step %q: unknown pullPolicy %q", s.Name, s.PullPolicy)
		}
	}
	return &in, nil
}

// countLines is how many lines the provider wrapper has appended so far.
func countLines(path string) (int, error) {
	content, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return bytes.Count(content, []byte("\n")), nil
}

// readRecord returns kubelet's pulled record for imageRef as it lies on disk
// (fs_pullrecords.go: <root>/image_manager/pulled/sha256-<sha256 of imageRef>),
// or nil when there is none.
func readRecord(recordsDir, imageRef string) (json.RawMessage, error) {
	path := filepath.Join(recordsDir, "image_manager", "pulled", "sha256-"+sha256Hex(imageRef))
	content, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !json.Valid(content) {
		return nil, fmt.Errorf("pull record %s is not JSON: %q", path, content)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, content); err != nil {
		return nil, err
	}
	return compact.Bytes(), nil
}

// podPullingTimeRecorder is images.ImagePodPullingTimeRecorder doing nothing.
type podPullingTimeRecorder struct{}

func (podPullingTimeRecorder) RecordImageStartedPulling(types.UID)  {}
func (podPullingTimeRecorder) RecordImageFinishedPulling(types.UID) {}

// newPullManager wires kubelet's pull manager as kuberuntime's
// NewKubeGenericRuntimeManager does: the no-op manager when the gate is off,
// else the file-backed records behind the in-memory cache, with the sizes
// kubelet derives from maxPods (110) and an unset maxParallelImagePulls.
func newPullManager(ctx context.Context, in *input, runtime *crioRuntime) (pullmanager.ImagePullManager, error) {
	if !*in.Gate {
		return &pullmanager.NoopImagePullManager{}, nil
	}
	policy, err := pullmanager.NewImagePullCredentialVerificationPolicy(
		kubeletconfiginternal.ImagePullCredentialsVerificationPolicy(in.Policy), in.Allowlist)
	if err != nil {
		return nil, err
	}
	var fsRecords pullmanager.PullRecordsAccessor
	fsRecords, err = pullmanager.NewFSPullRecordsAccessor(in.RecordsDir)
	if err != nil {
		return nil, fmt.Errorf("failed to setup the FSPullRecordsAccessor: %w", err)
	}
	const maxPods, maxParallelPulls = 110, 0
	var records pullmanager.PullRecordsAccessor = pullmanager.NewCachedPullRecordsAccessor(
		fsRecords, max(2*maxPods, 2*maxParallelPulls), 5*maxPods, maxParallelPulls)
	return pullmanager.NewImagePullManager(ctx, records, policy, runtime, maxParallelPulls)
}

func run(stdin io.Reader, stdout io.Writer) error {
	in, err := readInput(stdin)
	if err != nil {
		return err
	}
	if err := utilfeature.DefaultMutableFeatureGate.SetFromMap(map[string]bool{
		string(features.KubeletEnsureSecretPulledImages): *in.Gate,
	}); err != nil {
		return err
	}
	if !utilfeature.DefaultFeatureGate.Enabled(features.KubeletServiceAccountTokenForCredentialProviders) {
		return errors.New("this Kubernetes has KubeletServiceAccountTokenForCredentialProviders off by default")
	}

	accounts := &serviceAccounts{issuer: in.APIServer}
	if err := plugin.RegisterCredentialProviderPlugins(
		in.ProviderConfig, in.BinDir, accounts.token, accounts.get,
	); err != nil {
		return fmt.Errorf("registering credential provider plugins: %w", err)
	}

	ctx := context.Background()
	runtime := newCrioRuntime(in.AuthDir)
	pullManager, err := newPullManager(ctx, in, runtime)
	if err != nil {
		return err
	}
	nodeKeyring := &credentialprovider.BasicDockerKeyring{}
	if len(in.NodeKeyring) > 0 {
		config := credentialprovider.DockerConfig{}
		for registry, entry := range in.NodeKeyring {
			config[registry] = credentialprovider.DockerConfigEntry{Username: entry.Username, Password: entry.Password}
		}
		nodeKeyring.Add(nil, config)
	}
	recorder := &record.FakeRecorder{Events: make(chan string, 100)}
	// kubelet's defaults: serialized pulls, no QPS limit here (kubelet's
	// default is 5 QPS, irrelevant for a handful of pulls), back-off 10s..300s.
	manager := images.NewImageManager(
		recorder,
		nodeKeyring,
		runtime,
		pullManager,
		flowcontrol.NewBackOff(10*time.Second, 300*time.Second),
		true,
		nil,
		0,
		0,
		podPullingTimeRecorder{},
	)

	encoder := json.NewEncoder(stdout)
	for _, s := range in.Steps {
		result, err := runStep(ctx, in, manager, runtime, accounts, recorder, s)
		if err != nil {
			return fmt.Errorf("step %q: %w", s.Name, err)
		}
		if err := encoder.Encode(result); err != nil {
			return err
		}
	}
	return nil
}

func runStep(
	ctx context.Context,
	in *input,
	manager images.ImageManager,
	runtime *crioRuntime,
	accounts *serviceAccounts,
	recorder *record.FakeRecorder,
	s step,
) (*stepResult, error) {
	pod := &v1.Pod{}
	pod.Name, pod.Namespace, pod.UID = s.PodName, s.Namespace, types.UID(s.PodUID)
	pod.Spec.ServiceAccountName = s.ServiceAccount
	pod.Spec.Containers = []v1.Container{{Name: "app", Image: s.Image, ImagePullPolicy: s.PullPolicy}}
	pod.Kind, pod.APIVersion = "Pod", "v1"
	objRef := &v1.ObjectReference{
		Kind: "Pod", APIVersion: "v1", Namespace: s.Namespace, Name: s.PodName, UID: pod.UID,
		FieldPath: "spec.containers{app}",
	}
	sandbox := &runtimeapi.PodSandboxConfig{Metadata: &runtimeapi.PodSandboxMetadata{
		Name: s.PodName, Uid: s.PodUID, Namespace: s.Namespace,
	}}

	accounts.current = s
	runtime.startStep()
	runsBefore, err := countLines(in.ProviderRunsFile)
	if err != nil {
		return nil, err
	}
	_, message, ensureErr := manager.EnsureImageExists(ctx, objRef, pod, s.Image, nil, sandbox, "", s.PullPolicy)
	runsAfter, err := countLines(in.ProviderRunsFile)
	if err != nil {
		return nil, err
	}

	result := &stepResult{
		Name:             s.Name,
		Started:          ensureErr == nil,
		Message:          message,
		Pulled:           runtime.step.pulled,
		PullAttempts:     runtime.step.attempts,
		DockerAuthConfig: runtime.step.dockerAuthConfig,
		ConsumedAuthFile: runtime.step.consumedAuthFile,
		ProviderRuns:     runsAfter - runsBefore,
		Events:           []string{},
	}
	if ensureErr != nil {
		text := ensureErr.Error()
		result.Error = &text
	}
	if runtime.step.auth != nil {
		result.AuthToCRI = &authToCRI{Username: runtime.step.auth.Username}
	}
	for len(recorder.Events) > 0 {
		result.Events = append(result.Events, <-recorder.Events)
	}
	imageID, err := runtime.imageID(s.Image)
	if err != nil {
		return nil, err
	}
	if result.Record, err = readRecord(in.RecordsDir, imageID); err != nil {
		return nil, err
	}
	return result, nil
}

// kubernetesVersion is the version of k8s.io/kubernetes this binary was built with.
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

func printVersion(stdout io.Writer) error {
	gates := map[string]bool{}
	for _, gate := range reportedGates {
		gates[string(gate)] = utilfeature.DefaultFeatureGate.Enabled(gate)
	}
	return json.NewEncoder(stdout).Encode(map[string]any{
		"kubernetes":   kubernetesVersion(),
		"defaultGates": gates,
	})
}

func main() {
	var err error
	switch {
	case len(os.Args) == 2 && os.Args[1] == "-version":
		err = printVersion(os.Stdout)
	case len(os.Args) == 1:
		err = run(os.Stdin, os.Stdout)
	default:
		err = fmt.Errorf("usage: kubelet-image-manager [-version] < input.json")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubelet-image-manager:", err)
		os.Exit(2)
	}
}
