package main

// etcd (Debian's etcd-server) and the real kube-apiserver, both on loopback
// ports of their own, configured as the credential provider meets a
// cluster: bound service-account tokens signed with the cluster's key and
// issuer, the API audience the provider's tokens carry, the Node authorizer
// before RBAC and the NodeRestriction admission plugin, and an audit log
// that shows every request the API server received.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Audience is the API server's --api-audiences and the audience kubelet
// requests for the provider (README: tokenAttributes.serviceAccountTokenAudience).
const Audience = "https://kubernetes.default.svc"

// auditPolicy records every request once, when its answer is complete (or,
// for a request that failed authentication, when its 401 starts), with the
// user, verb, URI, user agent and status (no bodies); the API server's own
// requests to itself are left out.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: None
  users: ["system:apiserver"]
- level: Metadata
`

type cluster struct {
	dir         string
	server      string
	caFile      string
	ca          *authority
	admin       *kubernetes.Clientset
	adminConfig *rest.Config
	processes   []*exec.Cmd
	signer      *tokenSigner
	auditLog    string
	started     time.Duration
}

// freePort asks the kernel for a loopback port nobody listens on.
func freePort() (int, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port, nil
}

// start runs a program with its output in a log file. It is killed if the
// fixture dies without stopping it, so no server outlives a test.
func (c *cluster) start(name, program string, args ...string) (string, error) {
	logPath := filepath.Join(c.dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return "", err
	}
	defer logFile.Close()
	cmd := exec.Command(program, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("starting %s: %w", name, err)
	}
	c.processes = append(c.processes, cmd)
	return logPath, nil
}

// tail is the end of a log file, for an error that says why a server did not come up.
func tail(path string) string {
	content, _ := os.ReadFile(path)
	if len(content) > 4000 {
		content = content[len(content)-4000:]
	}
	return strings.TrimSpace(string(content))
}

// waitFor polls ready until it is true or the deadline passes.
func waitFor(ctx context.Context, what, logPath string, ready func() bool) error {
	for {
		if ready() {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not become ready: %w\n%s", what, ctx.Err(), tail(logPath))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func startCluster(ctx context.Context, dir, apiServerBinary, etcdBinary, etcdDataDir string) (c *cluster, err error) {
	began := time.Now()
	c = &cluster{dir: dir, auditLog: filepath.Join(dir, "audit.log")}
	defer func() {
		if err != nil {
			c.stop()
		}
	}()
	pki := filepath.Join(dir, "pki")
	if err := os.MkdirAll(pki, 0o700); err != nil {
		return nil, err
	}
	if c.ca, err = newAuthority("kube-fixture-ca"); err != nil {
		return nil, err
	}
	c.caFile = filepath.Join(pki, "ca.crt")
	if err := os.WriteFile(c.caFile, c.ca.certPEM, 0o600); err != nil {
		return nil, err
	}
	// The serving certificate names only the address the API server listens
	// on; another loopback address is "an address without a SAN".
	serving, err := c.ca.issue("kube-apiserver", nil, []net.IP{net.IPv4(127, 0, 0, 1)}, nil)
	if err != nil {
		return nil, err
	}
	servingCert, servingKey, err := serving.write(pki, "apiserver")
	if err != nil {
		return nil, err
	}
	rsaKey, err := serviceAccountKeys(pki)
	if err != nil {
		return nil, err
	}
	c.signer = &tokenSigner{key: rsaKey}
	if err := os.WriteFile(filepath.Join(dir, "audit-policy.yaml"), []byte(auditPolicy), 0o600); err != nil {
		return nil, err
	}

	clientPort, err := freePort()
	if err != nil {
		return nil, err
	}
	peerPort, err := freePort()
	if err != nil {
		return nil, err
	}
	clientURL := fmt.Sprintf("http://127.0.0.1:%d", clientPort)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	etcdLog, err := c.start("etcd", etcdBinary,
		"--name=fixture", "--data-dir="+etcdDataDir,
		"--listen-client-urls="+clientURL, "--advertise-client-urls="+clientURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=fixture="+peerURL, "--logger=zap", "--log-level=warn")
	if err != nil {
		return nil, err
	}
	startup, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := waitFor(startup, "etcd", etcdLog, func() bool {
		answer, err := http.Get(clientURL + "/health")
		if err != nil {
			return false
		}
		answer.Body.Close()
		return answer.StatusCode == http.StatusOK
	}); err != nil {
		return nil, err
	}

	securePort, err := freePort()
	if err != nil {
		return nil, err
	}
	c.server = fmt.Sprintf("https://127.0.0.1:%d", securePort)
	apiLog, err := c.start("kube-apiserver", apiServerBinary,
		"--etcd-servers="+clientURL,
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", securePort),
		"--advertise-address=127.0.0.1", "--endpoint-reconciler-type=none",
		"--tls-cert-file="+servingCert, "--tls-private-key-file="+servingKey,
		"--cert-dir="+pki, "--client-ca-file="+c.caFile,
		"--service-account-key-file="+filepath.Join(pki, "sa.pub"),
		"--service-account-signing-key-file="+filepath.Join(pki, "sa.key"),
		"--service-account-issuer="+Audience, "--api-audiences="+Audience,
		"--authorization-mode=Node,RBAC", "--enable-admission-plugins=NodeRestriction",
		"--service-cluster-ip-range=10.96.0.0/16",
		"--audit-policy-file="+filepath.Join(dir, "audit-policy.yaml"),
		"--audit-log-path="+c.auditLog, "--audit-log-format=json",
		"--profiling=false")
	if err != nil {
		return nil, err
	}

	// The fixture's own identity: a client certificate in system:masters.
	admin, err := c.ca.issue("kube-fixture-admin", []string{"system:masters"}, nil, nil)
	if err != nil {
		return nil, err
	}
	adminCert, adminKey, err := admin.write(pki, "admin")
	if err != nil {
		return nil, err
	}
	adminConfig := filepath.Join(dir, "admin.kubeconfig")
	if err := os.WriteFile(adminConfig, kubeconfig(c.server, c.ca.certPEM, "kube-fixture-admin", adminCert, adminKey), 0o600); err != nil {
		return nil, err
	}
	config, err := clientcmd.BuildConfigFromFlags("", adminConfig)
	if err != nil {
		return nil, err
	}
	// Many objects are created at once (600 pull secrets); the API server
	// exempts system:masters from its own limits, so the client has none.
	config.QPS, config.Burst = -1, 0
	config.UserAgent = "kube-fixture"
	c.adminConfig = config
	if c.admin, err = kubernetes.NewForConfig(config); err != nil {
		return nil, err
	}
	if err := waitFor(startup, "kube-apiserver", apiLog, func() bool {
		body, err := c.admin.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(startup)
		return err == nil && string(body) == "ok"
	}); err != nil {
		return nil, err
	}
	c.started = time.Since(began)
	return c, nil
}

// stop ends the API server, then etcd: politely, then for good.
func (c *cluster) stop() {
	for i := len(c.processes) - 1; i >= 0; i-- {
		cmd := c.processes[i]
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	c.processes = nil
}
