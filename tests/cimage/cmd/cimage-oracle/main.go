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

	"github.com/sirupsen/logrus"
	"go.podman.io/image/v5/pkg/sysregistriesv2"
)

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
