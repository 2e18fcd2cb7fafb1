package main

// The node's side of the API: the two functions kubelet hands the
// credential-provider plugins (kubelet.go: tokenManager.GetServiceAccountToken
// and a ServiceAccount Get on kubelet's client), on a client authenticated
// as the node. The token manager is wrapped only to report what it
// returned (the token's claims, never the token).

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	authenticationv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/kubernetes/pkg/kubelet/token"
)

// tokenRequest is what the output shows of one token kubelet's manager gave.
type tokenRequest struct {
	Namespace      string         `json:"namespace"`
	ServiceAccount string         `json:"serviceAccount"`
	Audiences      []string       `json:"audiences"`
	BoundPod       string         `json:"boundPod"`
	Claims         map[string]any `json:"claims,omitempty"`
	Error          string         `json:"error,omitempty"`
}

type nodeClient struct {
	client   *kubernetes.Clientset
	tokens   *token.Manager
	requests []tokenRequest
}

func newNodeClient(kubeconfig string) (*nodeClient, error) {
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	config.UserAgent = "kubelet-driver"
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	return &nodeClient{client: client, tokens: token.NewManager(client)}, nil
}

// getServiceAccount is the getter kubelet.go builds when
// KubeletServiceAccountTokenForCredentialProviders is on.
func (n *nodeClient) getServiceAccount(namespace, name string) (*v1.ServiceAccount, error) {
	return n.client.CoreV1().ServiceAccounts(namespace).Get(context.TODO(), name, metav1.GetOptions{})
}

// getServiceAccountToken is kubelet's token manager, observed.
func (n *nodeClient) getServiceAccountToken(
	namespace, name string,
	request *authenticationv1.TokenRequest,
) (*authenticationv1.TokenRequest, error) {
	record := tokenRequest{Namespace: namespace, ServiceAccount: name, Audiences: request.Spec.Audiences}
	if bound := request.Spec.BoundObjectRef; bound != nil {
		record.BoundPod = bound.Kind + "/" + bound.Name
	}
	answer, err := n.tokens.GetServiceAccountToken(namespace, name, request)
	if err != nil {
		record.Error = err.Error()
	} else {
		record.Claims = claims(answer.Status.Token)
	}
	n.requests = append(n.requests, record)
	return answer, err
}

// claims decodes a JWT's payload (no signature check: the API server made it).
func claims(jwt string) map[string]any {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return map[string]any{"malformed": true}
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return map[string]any{"malformed": true}
	}
	var decoded map[string]any
	if err := json.Unmarshal(payload, &decoded); err != nil {
		return map[string]any{"malformed": true}
	}
	return decoded
}
