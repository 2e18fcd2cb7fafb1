package main

// The fake container runtime. Two layers, as in kubelet:
//
//   - crioRuntime.PullImage is kubelet's kubecontainer.ImageService.PullImage
//     as pkg/kubelet/kuberuntime/kuberuntime_image.go implements it (1.34.4 and
//     1.35.4 are identical): no credentials → one CRI pull with a nil
//     AuthConfig and nil credentials used; otherwise one CRI pull per
//     credential, in order, returning the first that succeeds. kubelet
//     records the pull from what this returns.
//   - crioRuntime.criPullImage is the CRI PullImage of a CRI-O that uses
//     namespaced auth files (server/image_pull.go): it looks for
//     <authDir>/<namespace>-<sha256 of the repository name>.json, moves it to
//     <authDir>/in-use/ while pulling and deletes it afterwards; it would set
//     DockerAuthConfig only for a username != "". The image is private and
//     only reachable through a mirror on another domain, for which
//     containers/image ignores DockerAuthConfig and reads the auth file: the
//     pull succeeds only when the namespace's file existed and holds an auth.
//
// ImageStatus (GetImageRef) reports an image present after its first
// successful pull, with the same stable ID PullImage returned, as CRI-O ≥
// 1.35.2 does.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	"k8s.io/kubernetes/pkg/credentialprovider"
	kubecontainer "k8s.io/kubernetes/pkg/kubelet/container"
	"k8s.io/kubernetes/pkg/util/parsers"
)

const imageSize = 4 << 20

func sha256Hex(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// stepObservations is what the runtime saw during one step.
type stepObservations struct {
	attempts         int
	pulled           bool
	auth             *runtimeapi.AuthConfig // of the last CRI pull
	dockerAuthConfig bool
	consumedAuthFile bool
}

type crioRuntime struct {
	authDir string

	mu      sync.Mutex
	present map[string]string // name:tag or name@digest → image ID
	step    stepObservations
}

var _ kubecontainer.ImageService = &crioRuntime{}

func newCrioRuntime(authDir string) *crioRuntime {
	return &crioRuntime{authDir: authDir, present: map[string]string{}}
}

func (r *crioRuntime) startStep() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.step = stepObservations{}
}

// storeKey is how the store names an image: the normalized repository with its
// tag or digest (kubelet has already applied the default tag).
func storeKey(image string) (repository, key string, err error) {
	repository, tag, digest, err := parsers.ParseImageName(image)
	if err != nil {
		return "", "", err
	}
	if digest != "" {
		return repository, repository + "@" + digest, nil
	}
	return repository, repository + ":" + tag, nil
}

// imageID is the stable ID the store gives `image` once pulled.
func (r *crioRuntime) imageID(image string) (string, error) {
	_, key, err := storeKey(image)
	if err != nil {
		return "", err
	}
	return idOf(key), nil
}

// PullImage mirrors kubelet's kuberuntime_image.go PullImage.
func (r *crioRuntime) PullImage(
	ctx context.Context,
	image kubecontainer.ImageSpec,
	credentials []credentialprovider.TrackedAuthConfig,
	podSandboxConfig *runtimeapi.PodSandboxConfig,
) (string, *credentialprovider.TrackedAuthConfig, error) {
	imgSpec := &runtimeapi.ImageSpec{Image: image.Image}
	if len(credentials) == 0 {
		imageRef, err := r.criPullImage(imgSpec, nil, podSandboxConfig)
		if err != nil {
			return "", nil, err
		}
		return imageRef, nil, nil
	}

	var pullErrs []error
	for _, currentCreds := range credentials {
		auth := &runtimeapi.AuthConfig{
			Username:      currentCreds.Username,
			Password:      currentCreds.Password,
			Auth:          currentCreds.Auth,
			ServerAddress: currentCreds.ServerAddress,
			IdentityToken: currentCreds.IdentityToken,
			RegistryToken: currentCreds.RegistryToken,
		}
		imageRef, err := r.criPullImage(imgSpec, auth, podSandboxConfig)
		if err == nil {
			return imageRef, &currentCreds, nil
		}
		pullErrs = append(pullErrs, err)
	}
	return "", nil, utilerrors.NewAggregate(pullErrs)
}

// authFile is the part of a containers-auth.json the runtime checks.
type authFile struct {
	Auths map[string]struct {
		Auth string `json:"auth"`
	} `json:"auths"`
}

// criPullImage is CRI-O's PullImage with a namespaced auth dir.
func (r *crioRuntime) criPullImage(
	imgSpec *runtimeapi.ImageSpec,
	auth *runtimeapi.AuthConfig,
	sandbox *runtimeapi.PodSandboxConfig,
) (string, error) {
	repository, key, err := storeKey(imgSpec.Image)
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.step.attempts++
	r.step.auth = auth
	// "Specifying a username indicates the user intends to send authentication to the registry."
	r.step.dockerAuthConfig = auth != nil && auth.Username != ""

	usable := false
	if namespace := sandbox.GetMetadata().GetNamespace(); namespace != "" {
		name := fmt.Sprintf("%s-%s.json", namespace, sha256Hex(repository))
		inUse := filepath.Join(r.authDir, "in-use")
		if err := os.MkdirAll(inUse, 0o700); err != nil {
			return "", err
		}
		moved := filepath.Join(inUse, name)
		err := os.Rename(filepath.Join(r.authDir, name), moved)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return "", err
		default:
			r.step.consumedAuthFile = true
			content, readErr := os.ReadFile(moved)
			if removeErr := os.Remove(moved); removeErr != nil {
				return "", removeErr
			}
			if readErr != nil {
				return "", readErr
			}
			var file authFile
			if json.Unmarshal(content, &file) == nil {
				for _, entry := range file.Auths {
					usable = usable || entry.Auth != ""
				}
			}
		}
	}
	if !usable {
		return "", fmt.Errorf(
			"rpc error: code = Unknown desc = initializing source docker://%s: "+
				"reading manifest from mirror: unauthorized: authentication required", imgSpec.Image)
	}
	id := idOf(key)
	r.present[key] = id
	r.step.pulled = true
	return id, nil
}

// GetImageRef is CRI ImageStatus: the image ID, or "" when the image is absent.
func (r *crioRuntime) GetImageRef(_ context.Context, image kubecontainer.ImageSpec) (string, error) {
	_, key, err := storeKey(image.Image)
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.present[key], nil
}

func (r *crioRuntime) ListImages(context.Context) ([]kubecontainer.Image, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tags := map[string][]string{}
	for key, id := range r.present {
		tags[id] = append(tags[id], key)
	}
	list := make([]kubecontainer.Image, 0, len(tags))
	for id, names := range tags {
		sort.Strings(names)
		list = append(list, kubecontainer.Image{ID: id, RepoTags: names, Size: imageSize})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list, nil
}

func (r *crioRuntime) RemoveImage(_ context.Context, image kubecontainer.ImageSpec) error {
	return fmt.Errorf("not implemented: RemoveImage %s", image.Image)
}

func (r *crioRuntime) ImageStats(context.Context) (*kubecontainer.ImageStats, error) {
	images, _ := r.ListImages(context.Background())
	return &kubecontainer.ImageStats{TotalStorageBytes: uint64(len(images)) * imageSize}, nil
}

func (r *crioRuntime) ImageFsInfo(context.Context) (*runtimeapi.ImageFsInfoResponse, error) {
	return &runtimeapi.ImageFsInfoResponse{}, nil
}

func (r *crioRuntime) GetImageSize(ctx context.Context, image kubecontainer.ImageSpec) (uint64, error) {
	if ref, err := r.GetImageRef(ctx, image); err != nil || ref == "" {
		return 0, err
	}
	return imageSize, nil
}

// idOf is the image ID of the image stored under key: stable, 64 hex digits
// like a real config digest.
func idOf(key string) string {
	return sha256Hex("image config of " + key)
}
