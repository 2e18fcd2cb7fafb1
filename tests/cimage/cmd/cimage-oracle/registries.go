package main

import (
	"errors"
	"fmt"
	_ "unsafe" // for go:linkname

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
