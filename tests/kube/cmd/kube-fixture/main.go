// Command kube-fixture runs a real Kubernetes control plane for the tests:
// etcd (Debian's etcd-server) and kube-apiserver (built from
// k8s.io/kubernetes in go134.mod) on loopback, with a CA, a service-account
// signing key and issuer, --api-audiences, the Node and RBAC authorizers and
// NodeRestriction (see cluster.go), and creates what each test needs with
// client-go as its admin (no kubectl).
//
//	kube-fixture -kube-apiserver PATH [-etcd etcd] -dir DIR
//
// DIR (made by the caller, removed by it) receives the PKI, the logs, the
// audit log and the admin kubeconfig; etcd's data goes to /dev/shm when it
// exists (fsync there costs nothing) and is removed on exit (or, when the
// fixture was killed, by the next fixture). When the cluster is ready, one
// JSON line:
//
//	{"server": "https://127.0.0.1:PORT", "caFile": "…", "adminKubeconfig": "…",
//	 "auditLog": "…", "apiServerLog": "…", "startSeconds": 9.1}
//
// Then one command per line on stdin, one answer per line on stdout
// ({"error": "…"} when it failed):
//
//	{"op": "apply", "objects": [<object JSON>, …]}          → {"uids": ["…", …]}
//	{"op": "delete", "kind": "Pod", "namespace": "…", "name": "…"} → {}
//	{"op": "token", "namespace", "serviceAccount", "pod", "audiences": […],
//	 "expiresAt": <unix seconds, optional: re-signed with this expiry>} → {"token": "…", "expiresAt": n}
//	{"op": "tokenRejected", "token": "…"}                   → {"seconds": n}
//	{"op": "secrets", "namespace", "prefix", "type", "count", "data": {k: v}} → {"seconds": n}
//	{"op": "nodeKubeconfig", "node": "…", "path": "…"}      → {}
//	{"op": "access", "question": {user, groups, verb, resource, namespace, name}, "wait": bool}
//	                                                        → {"allowed": bool}
//	{"op": "audit", "since": <byte offset>}                 → {"events": […], "offset": n}
//
// Tokens travel only on this pipe; the fixture never logs one. On end of
// input, SIGTERM or SIGINT it stops the API server and etcd and exits.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

type command struct {
	Op             string            `json:"op"`
	Objects        []json.RawMessage `json:"objects"`
	Kind           string            `json:"kind"`
	Namespace      string            `json:"namespace"`
	Name           string            `json:"name"`
	ServiceAccount string            `json:"serviceAccount"`
	Pod            string            `json:"pod"`
	Audiences      []string          `json:"audiences"`
	ExpiresAt      *int64            `json:"expiresAt"`
	Token          string            `json:"token"`
	Prefix         string            `json:"prefix"`
	Type           string            `json:"type"`
	Count          int               `json:"count"`
	Data           map[string]string `json:"data"`
	Node           string            `json:"node"`
	Path           string            `json:"path"`
	Question       accessQuestion    `json:"question"`
	Wait           bool              `json:"wait"`
	Since          int64             `json:"since"`
}

// run answers one command.
func (c *cluster) run(ctx context.Context, cmd command) (map[string]any, error) {
	began := time.Now()
	switch cmd.Op {
	case "apply":
		uids := []string{}
		for _, object := range cmd.Objects {
			uid, err := c.create(ctx, object)
			if err != nil {
				return nil, err
			}
			uids = append(uids, uid)
		}
		return map[string]any{"uids": uids}, nil
	case "delete":
		return map[string]any{}, c.remove(ctx, cmd.Kind, cmd.Namespace, cmd.Name)
	case "token":
		issued, err := c.requestToken(ctx, cmd.Namespace, cmd.ServiceAccount, cmd.Pod, cmd.Audiences)
		if err != nil {
			return nil, err
		}
		token, expires := issued.Status.Token, issued.Status.ExpirationTimestamp.Unix()
		if cmd.ExpiresAt != nil {
			expires = *cmd.ExpiresAt
			if token, err = c.signer.resign(token, time.Unix(expires, 0)); err != nil {
				return nil, err
			}
		}
		return map[string]any{"token": token, "expiresAt": expires}, nil
	case "tokenRejected":
		waited, err := c.waitTokenRejected(ctx, cmd.Token)
		return map[string]any{"seconds": waited.Seconds()}, err
	case "secrets":
		err := c.createSecrets(ctx, cmd.Namespace, cmd.Prefix, cmd.Type, cmd.Count, cmd.Data)
		return map[string]any{"seconds": time.Since(began).Seconds()}, err
	case "nodeKubeconfig":
		return map[string]any{}, c.nodeKubeconfig(cmd.Node, cmd.Path)
	case "access":
		if cmd.Wait {
			return map[string]any{"allowed": true}, c.waitAccess(ctx, cmd.Question, true)
		}
		allowed, err := c.allowed(ctx, cmd.Question)
		return map[string]any{"allowed": allowed}, err
	case "audit":
		events, offset, err := c.audit(ctx, cmd.Since)
		return map[string]any{"events": events, "offset": offset}, err
	}
	return nil, fmt.Errorf("unknown op %q", cmd.Op)
}

func serve(ctx context.Context, c *cluster, stdin io.Reader, stdout io.Writer) error {
	lines := make(chan []byte)
	go func() {
		defer close(lines)
		scanner := bufio.NewScanner(stdin)
		scanner.Buffer(make([]byte, 1<<20), 64<<20)
		for scanner.Scan() {
			lines <- append([]byte(nil), scanner.Bytes()...)
		}
	}()
	encoder := json.NewEncoder(stdout)
	for {
		var line []byte
		var open bool
		select {
		case <-ctx.Done():
			return nil
		case line, open = <-lines:
			if !open {
				return nil
			}
		}
		var cmd command
		answer := map[string]any{}
		err := json.Unmarshal(line, &cmd)
		if err == nil {
			answer, err = c.run(ctx, cmd)
		}
		if err != nil {
			answer = map[string]any{"error": err.Error()}
		}
		if err := encoder.Encode(answer); err != nil {
			return err
		}
	}
}

// etcdDataDir is where etcd keeps its data: memory when the machine has
// /dev/shm, else the work directory. The name carries the fixture's PID, so
// the data of a fixture that was killed (and could not remove it) is
// removed by the next one.
func etcdDataDir(dir string) (string, func(), error) {
	if info, err := os.Stat("/dev/shm"); err == nil && info.IsDir() {
		removeOrphans("/dev/shm")
		prefix := fmt.Sprintf("kube-fixture-etcd-%d-", os.Getpid())
		if data, err := os.MkdirTemp("/dev/shm", prefix); err == nil {
			return data, func() { _ = os.RemoveAll(data) }, nil
		}
	}
	data := dir + "/etcd-data"
	return data, func() {}, os.MkdirAll(data, 0o700)
}

// removeOrphans removes the etcd data of fixtures that no longer run.
func removeOrphans(parent string) {
	entries, _ := os.ReadDir(parent)
	for _, entry := range entries {
		var pid int
		var rest string
		if _, err := fmt.Sscanf(entry.Name(), "kube-fixture-etcd-%d-%s", &pid, &rest); err != nil {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			_ = os.RemoveAll(filepath.Join(parent, entry.Name()))
		}
	}
}

func main() {
	apiServer := flag.String("kube-apiserver", "", "the kube-apiserver binary")
	etcd := flag.String("etcd", "etcd", "the etcd binary")
	dir := flag.String("dir", "", "an empty work directory")
	flag.Parse()
	if *apiServer == "" || *dir == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: kube-fixture -kube-apiserver PATH [-etcd PATH] -dir DIR")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, *apiServer, *etcd, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "kube-fixture:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, apiServer, etcd, dir string) error {
	data, cleanup, err := etcdDataDir(dir)
	if err != nil {
		return err
	}
	defer cleanup()
	c, err := startCluster(ctx, dir, apiServer, etcd, data)
	if err != nil {
		return err
	}
	defer c.stop()
	ready := map[string]any{
		"server": c.server, "caFile": c.caFile, "adminKubeconfig": dir + "/admin.kubeconfig",
		"auditLog": c.auditLog, "apiServerLog": dir + "/kube-apiserver.log",
		"startSeconds": c.started.Seconds(),
	}
	if err := json.NewEncoder(os.Stdout).Encode(ready); err != nil {
		return err
	}
	return serve(ctx, c, os.Stdin, os.Stdout)
}
