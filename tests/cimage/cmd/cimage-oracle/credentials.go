package main

import (
	"errors"

	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/pkg/docker/config"
	"go.podman.io/image/v5/types"
)

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
