// Command cimage-oracle answers questions with the containers/image that
// CRI-O 1.36 vendors (go.podman.io/image/v5 v5.38.0, decoding TOML with
// github.com/BurntSushi/toml v1.6.0): which registries.conf table serves an
// image, the endpoints the docker transport tries and which of them it
// refuses before any network access, and which credential
// pkg/docker/config finds in an auth file.
//
// It reads one JSON request per line on stdin and writes one JSON answer per
// line on stdout, in order, so that one process serves a whole batch (or a
// conversation: answers are flushed whenever no more input is buffered):
//
//	{"op":"registries","conf":PATH|null,"confDir":PATH|null,"image":REF}
//	  optional: "root" (RootForImplicitAbsolutePaths), "home" ($HOME), "repeat";
//	  instead of "image": "lookup" (FindRegistry on a raw string; no pull sources)
//	{"op":"credentials","authFile":PATH,"image":REF}
//	  instead of "image": "key" (GetCredentials with a raw key);
//	  instead of "authFile": "legacyAuthFile" (LegacyFormatAuthFilePath)
//
// Every answer is {"answers":[...]}: the distinct results of asking
// "repeat" times (default 1), each time with a fresh sysregistriesv2 cache.
// More than one result means that v5.38 itself is not deterministic for the
// input (the TOML decoder and the auth-key fallback iterate Go maps).
//
// Nothing of the host leaks in: unless a request names them, $HOME and
// RootForImplicitAbsolutePaths are empty temporary folders, and the
// variables that select other auth files are unset.
//
// containers/image reads $HOME once per process (go.podman.io/storage
// pkg/unshare.HomeDir), so $HOME is a symbolic link that each request points
// at its own home; paths under it are reported under the request's home.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	_ "unsafe" // for go:linkname

	"github.com/sirupsen/logrus"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/pkg/docker/config"
	"go.podman.io/image/v5/pkg/sysregistriesv2"
	"go.podman.io/image/v5/types"
)

// dockerClient stands for docker.dockerClient, which is never dereferenced here.
type dockerClient struct{}

// newDockerClient is the docker transport's own constructor (docker/docker_client.go):
// it reads certificate directories and refuses a blocked registry, and opens no
// connection. The transport calls it for every pull source, after the credential
// lookup, with the physical reference's domain and name.
//
//go:linkname newDockerClient go.podman.io/image/v5/docker.newDockerClient
func newDockerClient(sys *types.SystemContext, registry, reference string) (*dockerClient, error)

type request struct {
	Op             string  `json:"op"`
	Conf           *string `json:"conf"`
	ConfDir        *string `json:"confDir"`
	Root           *string `json:"root"`
	Home           *string `json:"home"`
	Image          *string `json:"image"`
	Lookup         *string `json:"lookup"`
	Key            *string `json:"key"`
	AuthFile       *string `json:"authFile"`
	LegacyAuthFile *string `json:"legacyAuthFile"`
	Repeat         int     `json:"repeat"`
}

type endpointJSON struct {
	Location       string `json:"location"`
	Insecure       bool   `json:"insecure"`
	PullFromMirror string `json:"pullFromMirror"`
}

type registryJSON struct {
	Prefix             string `json:"prefix"`
	Location           string `json:"location"`
	Insecure           bool   `json:"insecure"`
	Blocked            bool   `json:"blocked"`
	MirrorByDigestOnly bool   `json:"mirrorByDigestOnly"`
	PullFromMirror     string `json:"pullFromMirror"`
}

type sourceJSON struct {
	Reference string `json:"reference"`
	Name      string `json:"name"`
	Location  string `json:"location"`
	Insecure  bool   `json:"insecure"`
	// Why the docker transport refuses this source before any network access; nil when it would connect.
	Refused *string `json:"refused"`
}

type resolution struct {
	Registry *registryJSON  `json:"registry"`
	Mirrors  []endpointJSON `json:"mirrors"`
	// PullSourcesFromReference's error; the transport then tries nothing.
	SourcesError *string `json:"sourcesError,omitempty"`
	// Absent for a "lookup" request.
	Sources []sourceJSON `json:"sources,omitempty"`
}

type failure struct {
	Error string `json:"error"`
}

type imageFailure struct {
	ImageError string `json:"imageError"`
}

type credential struct {
	Username      string `json:"username"`
	Password      string `json:"password"`
	IdentityToken string `json:"identityToken"`
}

// places are the process's folders: the empty default $HOME and root, and
// the link that $HOME names, pointed at the home of the request at hand.
type places struct {
	root, home, missingAuthFile string
	homeLink                    string
	linked                      *string
}

// useHome points $HOME at home; it returns a function that reports a path
// under $HOME as one under home.
func (p *places) useHome(home *string) (func(string) string, error) {
	target := p.home
	if home != nil {
		target = *home
	}
	if p.linked == nil || *p.linked != target {
		temporary := p.homeLink + ".new"
		os.Remove(temporary)
		if err := os.Symlink(target, temporary); err != nil {
			return nil, err
		}
		if err := os.Rename(temporary, p.homeLink); err != nil {
			return nil, err
		}
		p.linked = &target
	}
	return func(message string) string { return strings.ReplaceAll(message, p.homeLink, target) }, nil
}

func main() {
	logrus.SetOutput(io.Discard)
	logrus.SetLevel(logrus.PanicLevel)
	for _, name := range []string{"XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "DOCKER_CONFIG", "REGISTRY_AUTH_FILE"} {
		os.Unsetenv(name)
	}
	base, err := os.MkdirTemp("", "cimage-oracle-")
	if err != nil {
		fatal(err)
	}
	// Before anything reads it (it is read once per process).
	if err := os.Setenv("HOME", filepath.Join(base, "home-link")); err != nil {
		fatal(err)
	}
	code := 0
	if err := serve(os.Stdin, os.Stdout, base); err != nil {
		fmt.Fprintln(os.Stderr, "cimage-oracle:", err)
		code = 1
	}
	os.RemoveAll(base)
	os.Exit(code)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "cimage-oracle:", err)
	os.Exit(1)
}

func serve(in io.Reader, out io.Writer, base string) error {
	places := &places{
		root:            filepath.Join(base, "root"),
		home:            filepath.Join(base, "home"),
		missingAuthFile: filepath.Join(base, "no-auth.json"),
		homeLink:        os.Getenv("HOME"),
	}
	for _, dir := range []string{places.root, places.home} {
		if err := os.Mkdir(dir, 0o700); err != nil {
			return err
		}
	}
	reader := bufio.NewReader(in)
	writer := bufio.NewWriter(out)
	defer writer.Flush()
	for line := 1; ; line++ {
		text, err := reader.ReadBytes('\n')
		if len(text) > 0 {
			answer, err := answerLine(text, places)
			if err != nil {
				return fmt.Errorf("request %d: %w", line, err)
			}
			if _, err := writer.Write(append(answer, '\n')); err != nil {
				return err
			}
			// A caller may wait for this answer before it sends more.
			if reader.Buffered() == 0 {
				if err := writer.Flush(); err != nil {
					return err
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func answerLine(text []byte, places *places) ([]byte, error) {
	var req request
	if err := json.Unmarshal(text, &req); err != nil {
		return nil, err
	}
	repeat := max(req.Repeat, 1)
	var ask func() (any, error)
	switch req.Op {
	case "registries":
		ask = func() (any, error) { return registries(req, places) }
	case "credentials":
		ask = func() (any, error) { return credentials(req, places) }
	default:
		return nil, fmt.Errorf("unknown op %q", req.Op)
	}
	seen := map[string]bool{}
	answers := []json.RawMessage{}
	for range repeat {
		sysregistriesv2.InvalidateCache()
		answer, err := ask()
		if err != nil {
			return nil, err
		}
		encoded, err := json.Marshal(answer)
		if err != nil {
			return nil, err
		}
		if !seen[string(encoded)] {
			seen[string(encoded)] = true
			answers = append(answers, encoded)
		}
	}
	return json.Marshal(map[string]any{"answers": answers})
}

func orDefault(value *string, fallback string) string {
	if value == nil {
		return fallback
	}
	return *value
}

// registries answers as the docker transport's newImageSource sees it.
func registries(req request, places *places) (any, error) {
	if (req.Image == nil) == (req.Lookup == nil) {
		return nil, errors.New(`"registries" needs exactly one of "image" and "lookup"`)
	}
	local, err := places.useHome(req.Home)
	if err != nil {
		return nil, err
	}
	sys := &types.SystemContext{
		SystemRegistriesConfPath:     orDefault(req.Conf, ""),
		SystemRegistriesConfDirPath:  orDefault(req.ConfDir, ""),
		RootForImplicitAbsolutePaths: orDefault(req.Root, places.root),
		// An explicit file, as CRI-O sets one; absent, so no credentials and no error.
		AuthFilePath: places.missingAuthFile,
	}

	if req.Lookup != nil {
		registry, err := sysregistriesv2.FindRegistry(sys, *req.Lookup)
		if err != nil {
			return failure{Error: local(err.Error())}, nil
		}
		return table(registry), nil
	}

	// docker.ParseReference is what "docker://IMAGE" goes through: a name
	// without tag or digest gets ":latest", and tag plus digest is refused.
	imageRef, err := docker.ParseReference("//" + *req.Image)
	if err != nil {
		return imageFailure{ImageError: err.Error()}, nil
	}
	ref := imageRef.DockerReference()

	// newImageSource: FindRegistry on the name, a default table when none matches.
	// (Its error is reported as FindRegistry returns it; newImageSource prefixes
	// "loading registries configuration: ".)
	registry, err := sysregistriesv2.FindRegistry(sys, ref.Name())
	if err != nil {
		return failure{Error: local(err.Error())}, nil
	}
	result := table(registry)
	result.Sources = []sourceJSON{}
	if registry == nil {
		registry = &sysregistriesv2.Registry{
			Endpoint: sysregistriesv2.Endpoint{Location: ref.String()},
			Prefix:   ref.String(),
		}
	}
	sources, err := registry.PullSourcesFromReference(ref)
	if err != nil {
		message := err.Error()
		result.SourcesError = &message
		return result, nil
	}
	for _, source := range sources {
		result.Sources = append(result.Sources, sourceJSON{
			Reference: source.Reference.String(),
			Name:      source.Reference.Name(),
			Location:  source.Endpoint.Location,
			Insecure:  source.Endpoint.Insecure,
			Refused:   refusal(sys, source, local),
		})
	}
	return result, nil
}

// table describes FindRegistry's result (nil: no table matches).
func table(registry *sysregistriesv2.Registry) resolution {
	result := resolution{Mirrors: []endpointJSON{}}
	if registry == nil {
		return result
	}
	result.Registry = &registryJSON{
		Prefix:             registry.Prefix,
		Location:           registry.Location,
		Insecure:           registry.Insecure,
		Blocked:            registry.Blocked,
		MirrorByDigestOnly: registry.MirrorByDigestOnly,
		PullFromMirror:     registry.PullFromMirror,
	}
	for _, mirror := range registry.Mirrors {
		result.Mirrors = append(result.Mirrors, endpointJSON{
			Location:       mirror.Location,
			Insecure:       mirror.Insecure,
			PullFromMirror: mirror.PullFromMirror,
		})
	}
	return result
}

// refusal runs what newImageSourceAttempt does for a pull source up to its
// first network access (ensureManifestIsLoaded), and returns the error that
// stops it there, or nil.
func refusal(sys *types.SystemContext, source sysregistriesv2.PullSource, local func(string) string) *string {
	refuse := func(err error) *string {
		message := local(err.Error())
		return &message
	}
	// newReference: no name-only reference, no tag together with a digest.
	physical, err := docker.NewReference(source.Reference)
	if err != nil {
		return refuse(err)
	}
	// newDockerClientFromRef: credentials for the physical reference, then the
	// client. (In between it reads the lookaside configuration of registries.d,
	// which is about signatures and empty under the request's root.)
	if _, err := config.GetCredentialsForRef(sys, physical.DockerReference()); err != nil {
		return refuse(fmt.Errorf("getting username and password: %w", err))
	}
	named := physical.DockerReference()
	if _, err := newDockerClient(sys, reference.Domain(named), named.Name()); err != nil {
		return refuse(err)
	}
	return nil
}

// credentials answers as pkg/docker/config does for a SystemContext whose
// AuthFilePath is the given file, as CRI-O sets it for a pull.
func credentials(req request, places *places) (any, error) {
	local, err := places.useHome(req.Home)
	if err != nil {
		return nil, err
	}
	sys := &types.SystemContext{RootForImplicitAbsolutePaths: orDefault(req.Root, places.root)}
	switch {
	case req.AuthFile != nil && req.LegacyAuthFile == nil:
		sys.AuthFilePath = *req.AuthFile
	case req.LegacyAuthFile != nil && req.AuthFile == nil:
		sys.LegacyFormatAuthFilePath = *req.LegacyAuthFile
	default:
		return nil, errors.New(`"credentials" needs exactly one of "authFile" and "legacyAuthFile"`)
	}
	var found types.DockerAuthConfig
	switch {
	case req.Key != nil && req.Image == nil:
		found, err = config.GetCredentials(sys, *req.Key)
	case req.Image != nil && req.Key == nil:
		ref, parseErr := reference.ParseNormalizedNamed(*req.Image)
		if parseErr != nil {
			return imageFailure{ImageError: parseErr.Error()}, nil
		}
		found, err = config.GetCredentialsForRef(sys, ref)
	default:
		return nil, errors.New(`"credentials" needs exactly one of "image" and "key"`)
	}
	if err != nil {
		return failure{Error: local(err.Error())}, nil
	}
	return credential{
		Username:      found.Username,
		Password:      found.Password,
		IdentityToken: found.IdentityToken,
	}, nil
}
