// Command kubelet-decode is a test oracle: it decodes image pull credentials
// exactly as kubelet does, using the Kubernetes code itself.
//
// It reads JSON lines on stdin. Each line is either a Secret's type and data
// (data values base64-encoded, as in the API):
//
//	{"type":"kubernetes.io/dockerconfigjson","data":{".dockerconfigjson":"<base64>"}}
//
// which is decoded as kubelet decodes a pod's image pull secrets
// (secrets.MakeDockerKeyring), or the bytes of a node config.json:
//
//	{"file":"<base64>"}
//
// which is decoded as kubelet reads its node config.json
// (credentialprovider.ReadSpecificDockerConfigJSONFile).
//
// For each line it writes one JSON line on stdout:
//
//	{"accepted":true,"entries":{"<registry key>":{"username":"…","password":"…","email":"…"}}}
//	{"accepted":false,"error":"<the Go error's message>"}
//	{"ignored":true}
//
// "ignored" means MakeDockerKeyring skips the secret (wrong type, missing or
// empty data key). A line that is not valid input is reported on stderr and
// ends the program with exit status 2.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	v1 "k8s.io/api/core/v1"
	"k8s.io/kubernetes/pkg/credentialprovider"
	"k8s.io/kubernetes/pkg/credentialprovider/secrets"
)

// request is one input line.
type request struct {
	Type v1.SecretType     `json:"type"`
	Data map[string][]byte `json:"data"`
	File *[]byte           `json:"file"`
}

// entry is one decoded credential.
type entry struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Email    string `json:"email"`
}

// acceptedAnswer, rejectedAnswer and ignoredAnswer are the output lines.
type acceptedAnswer struct {
	Accepted bool             `json:"accepted"`
	Entries  map[string]entry `json:"entries"`
}

type rejectedAnswer struct {
	Accepted bool   `json:"accepted"`
	Error    string `json:"error"`
}

type ignoredAnswer struct {
	Ignored bool `json:"ignored"`
}

func accepted(cfg credentialprovider.DockerConfig) any {
	entries := make(map[string]entry, len(cfg))
	for key, ident := range cfg {
		entries[key] = entry{Username: ident.Username, Password: ident.Password, Email: ident.Email}
	}
	return acceptedAnswer{Accepted: true, Entries: entries}
}

func rejected(err error) any {
	return rejectedAnswer{Accepted: false, Error: err.Error()}
}

// decodeSecret decodes a pull secret as kubelet does. MakeDockerKeyring
// decides acceptance; on success the data is decoded again the way
// MakeDockerKeyring decodes it internally, to show the entries it added.
func decodeSecret(secret v1.Secret) any {
	keyring, err := secrets.MakeDockerKeyring([]v1.Secret{secret}, nil)
	if err != nil {
		return rejected(err)
	}
	if keyring == nil {
		// No usable docker config secret: MakeDockerKeyring returned the
		// (nil) default keyring unchanged.
		return ignoredAnswer{Ignored: true}
	}
	switch secret.Type {
	case v1.SecretTypeDockerConfigJson:
		cfg := credentialprovider.DockerConfigJSON{}
		if err := json.Unmarshal(secret.Data[v1.DockerConfigJsonKey], &cfg); err != nil {
			return rejected(err)
		}
		return accepted(cfg.Auths)
	case v1.SecretTypeDockercfg:
		cfg := credentialprovider.DockerConfig{}
		if err := json.Unmarshal(secret.Data[v1.DockerConfigKey], &cfg); err != nil {
			return rejected(err)
		}
		return accepted(cfg)
	default:
		panic(fmt.Sprintf("MakeDockerKeyring accepted a secret of type %q", secret.Type))
	}
}

// decodeFile decodes the bytes of a node config.json as kubelet reads it,
// through the real file-reading function (its bytes decoder is unexported).
func decodeFile(dir string, contents []byte) (any, error) {
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, contents, 0o600); err != nil {
		return nil, err
	}
	cfg, err := credentialprovider.ReadSpecificDockerConfigJSONFile(path)
	if err != nil {
		return rejected(err), nil
	}
	return accepted(cfg), nil
}

func run(stdin io.Reader, stdout io.Writer) error {
	dir, err := os.MkdirTemp("", "kubelet-decode-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	reader := bufio.NewReader(stdin)
	writer := bufio.NewWriter(stdout)
	for lineNumber := 1; ; lineNumber++ {
		line, readErr := reader.ReadBytes('\n')
		if readErr != nil && readErr != io.EOF {
			return readErr
		}
		if len(line) > 0 {
			var req request
			decoder := json.NewDecoder(bytes.NewReader(line))
			decoder.DisallowUnknownFields()
			if err := decoder.Decode(&req); err != nil {
				return fmt.Errorf("line %d: invalid input: %w", lineNumber, err)
			}
			if _, err := decoder.Token(); err != io.EOF {
				return fmt.Errorf("line %d: invalid input: more than one JSON value", lineNumber)
			}
			var out any
			if req.File != nil {
				if out, err = decodeFile(dir, *req.File); err != nil {
					return fmt.Errorf("line %d: %w", lineNumber, err)
				}
			} else {
				out = decodeSecret(v1.Secret{Type: req.Type, Data: req.Data})
			}
			encoded, err := json.Marshal(out)
			if err != nil {
				return fmt.Errorf("line %d: %w", lineNumber, err)
			}
			if _, err := writer.Write(append(encoded, '\n')); err != nil {
				return err
			}
			if err := writer.Flush(); err != nil {
				return err
			}
		}
		if readErr == io.EOF {
			return nil
		}
	}
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kubelet-decode:", err)
		os.Exit(2)
	}
}
