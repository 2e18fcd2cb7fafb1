module crio-credential-provider.test/cimage

go 1.26

require (
	// CRI-O 1.36.0–1.36.3 pin BurntSushi/toml v1.6.0 over the v1.5.0 that image v5.38.0 asks for.
	github.com/BurntSushi/toml v1.6.0
	// The containers/image that CRI-O 1.36 vendors.
	go.podman.io/image/v5 v5.38.0
)
