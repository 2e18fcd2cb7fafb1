// Command ignition-check is a test oracle: it reads MachineConfig manifests
// the way `oc apply -f` does, parses each one's Ignition config with
// coreos/ignition's own config/v3_5 package, at the version the Machine
// Config Operator of OpenShift 4.21 and 4.22 vendors (v2.20.0), and decodes
// every file's contents the way Ignition's fetcher does.
//
// It reads JSON lines on stdin, each {"yaml": "<a YAML or JSON stream>"},
// and writes one JSON line per input:
//
//	{"kinds": ["MachineConfig", "MachineConfiguration"],
//	 "machineConfigs": [{"name": "…", "version": "3.5.0", "report": ["<entry>", …],
//	   "files": [{"path": "…", "mode": 420, "overwrite": true, "compression": "",
//	              "contents": "<base64 of the decoded bytes>"}]}]}
//
// or, for a MachineConfig whose config Ignition refuses or whose file cannot
// be decoded, {"name": "…", "error": "…", "report": […]} in place of its
// entry; or {"error": "…"} for the whole line when the stream is not YAML.
// "report" lists every error, warning and info the parser reported, so a
// config without any has an empty list. "mode" and "overwrite" are absent
// when the config does not set them.
//
// A line that is not a JSON object with "yaml" ends the program with exit
// status 2.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/coreos/ignition/v2/config/v3_5"
	"github.com/vincent-petithory/dataurl"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
)

type request struct {
	YAML *string `json:"yaml"`
}

type file struct {
	Path        string `json:"path"`
	Mode        *int   `json:"mode,omitempty"`
	Overwrite   *bool  `json:"overwrite,omitempty"`
	Compression string `json:"compression"`
	Contents    string `json:"contents"`
}

type machineConfig struct {
	Name    string   `json:"name"`
	Version string   `json:"version,omitempty"`
	Error   string   `json:"error,omitempty"`
	Report  []string `json:"report"`
	Files   []file   `json:"files,omitempty"`
}

type answer struct {
	Error          string          `json:"error,omitempty"`
	Kinds          []string        `json:"kinds"`
	MachineConfigs []machineConfig `json:"machineConfigs"`
}

// manifest is what this program reads of each object.
type manifest struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Config json.RawMessage `json:"config"`
	} `json:"spec"`
}

// documents splits a stream into objects as kubectl's stream visitor does
// (k8s.io/cli-runtime resource.StreamVisitor): YAML documents converted to
// JSON by sigs.k8s.io/yaml, empty documents skipped.
func documents(stream string) ([]json.RawMessage, error) {
	decoder := k8syaml.NewYAMLOrJSONDecoder(strings.NewReader(stream), 4096)
	var objects []json.RawMessage
	for {
		var raw json.RawMessage
		if err := decoder.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return objects, nil
			}
			return nil, err
		}
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		objects = append(objects, raw)
	}
}

// fetch decodes a file's source as Ignition's fetcher does for the data
// scheme (internal/resource/url.go: Fetch, fetchFromDataURL, uncompress,
// decompressCopyHashAndVerify), which a module outside Ignition cannot import.
// A verification hash is not checked: no file these tests read carries one.
func fetch(source string, compression string) ([]byte, error) {
	u, err := url.Parse(source)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "data" {
		return nil, fmt.Errorf("scheme %q: a MachineConfig can only carry data URLs", u.Scheme)
	}
	decoded, err := dataurl.DecodeString(u.String())
	if err != nil {
		return nil, err
	}
	var reader io.ReadCloser
	switch compression {
	case "":
		reader = io.NopCloser(bytes.NewReader(decoded.Data))
	case "gzip":
		if reader, err = gzip.NewReader(bytes.NewReader(decoded.Data)); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("compression %q is not supported", compression)
	}
	defer reader.Close()
	return io.ReadAll(reader)
}

func check(name string, raw []byte) machineConfig {
	config, report, err := v3_5.Parse(raw)
	result := machineConfig{Name: name, Report: []string{}}
	for _, entry := range report.Entries {
		result.Report = append(result.Report, entry.String())
	}
	if err != nil {
		result.Error = err.Error()
		return result
	}
	result.Version = config.Ignition.Version
	for _, f := range config.Storage.Files {
		compression := ""
		if f.Contents.Compression != nil {
			compression = *f.Contents.Compression
		}
		var contents []byte
		if f.Contents.Source != nil {
			if contents, err = fetch(*f.Contents.Source, compression); err != nil {
				result.Error = fmt.Sprintf("decoding %s: %v", f.Path, err)
				return result
			}
		}
		result.Files = append(result.Files, file{
			Path:        f.Path,
			Mode:        f.Mode,
			Overwrite:   f.Overwrite,
			Compression: compression,
			Contents:    base64.StdEncoding.EncodeToString(contents),
		})
	}
	return result
}

func inspect(stream string) answer {
	objects, err := documents(stream)
	if err != nil {
		return answer{Error: err.Error()}
	}
	result := answer{Kinds: []string{}, MachineConfigs: []machineConfig{}}
	for _, raw := range objects {
		var object manifest
		if err := json.Unmarshal(raw, &object); err != nil {
			return answer{Error: err.Error()}
		}
		result.Kinds = append(result.Kinds, object.Kind)
		if object.Kind == "MachineConfig" {
			result.MachineConfigs = append(result.MachineConfigs, check(object.Metadata.Name, object.Spec.Config))
		}
	}
	return result
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	out := bufio.NewWriter(os.Stdout)
	for scanner.Scan() {
		var req request
		if err := json.Unmarshal(scanner.Bytes(), &req); err != nil || req.YAML == nil {
			fmt.Fprintf(os.Stderr, "ignition-check: input line is not {\"yaml\": \"…\"}: %v\n", err)
			os.Exit(2)
		}
		line, err := json.Marshal(inspect(*req.YAML))
		if err != nil {
			fmt.Fprintf(os.Stderr, "ignition-check: %v\n", err)
			os.Exit(2)
		}
		out.Write(line)
		out.WriteByte('\n')
		if err := out.Flush(); err != nil {
			fmt.Fprintf(os.Stderr, "ignition-check: %v\n", err)
			os.Exit(2)
		}
	}
	if err := scanner.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "ignition-check: %v\n", err)
		os.Exit(2)
	}
}
