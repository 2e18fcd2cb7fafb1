package main

// The objects a test needs, created with client-go as the fixture's admin:
// any of the kinds below as JSON, pull secrets in bulk, node credentials,
// and the questions the fixture must wait on (does the authorizer already
// know a pod, a role?).

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"
)

// create makes one object and returns its UID. A pod bound to a node is
// returned once the Node authorizer lets that node read the pod's service
// account, as it would for a pod the scheduler bound long before kubelet asks.
func (c *cluster) create(ctx context.Context, raw json.RawMessage) (string, error) {
	object, _, err := scheme.Codecs.UniversalDeserializer().Decode(raw, nil, nil)
	if err != nil {
		return "", fmt.Errorf("decoding object: %w", err)
	}
	core, rbac, create := c.admin.CoreV1(), c.admin.RbacV1(), metav1.CreateOptions{}
	var created metav1.Object
	switch o := object.(type) {
	case *corev1.Namespace:
		created, err = core.Namespaces().Create(ctx, o, create)
	case *corev1.ServiceAccount:
		created, err = core.ServiceAccounts(o.Namespace).Create(ctx, o, create)
	case *corev1.Secret:
		created, err = core.Secrets(o.Namespace).Create(ctx, o, create)
	case *corev1.Node:
		created, err = core.Nodes().Create(ctx, o, create)
	case *corev1.Pod:
		var pod *corev1.Pod
		if pod, err = core.Pods(o.Namespace).Create(ctx, o, create); err == nil && pod.Spec.NodeName != "" {
			err = c.waitAccess(ctx, accessQuestion{
				User: "system:node:" + pod.Spec.NodeName, Groups: []string{"system:nodes"}, Verb: "get",
				Resource: "serviceaccounts", Namespace: pod.Namespace, Name: pod.Spec.ServiceAccountName,
			}, true)
		}
		created = pod
	case *rbacv1.Role:
		created, err = rbac.Roles(o.Namespace).Create(ctx, o, create)
	case *rbacv1.RoleBinding:
		created, err = rbac.RoleBindings(o.Namespace).Create(ctx, o, create)
	case *rbacv1.ClusterRole:
		created, err = rbac.ClusterRoles().Create(ctx, o, create)
	case *rbacv1.ClusterRoleBinding:
		created, err = rbac.ClusterRoleBindings().Create(ctx, o, create)
	default:
		return "", fmt.Errorf("cannot create a %T", object)
	}
	if err != nil {
		return "", err
	}
	return string(created.GetUID()), nil
}

// remove deletes an object at once (a pod without a grace period, as a
// force delete) and returns when it is gone.
func (c *cluster) remove(ctx context.Context, kind, namespace, name string) error {
	core, rbac := c.admin.CoreV1(), c.admin.RbacV1()
	options := metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}
	var err error
	switch kind {
	case "Pod":
		err = core.Pods(namespace).Delete(ctx, name, options)
		for err == nil {
			_, err = core.Pods(namespace).Get(ctx, name, metav1.GetOptions{})
		}
		if apierrors.IsNotFound(err) {
			return nil
		}
	case "Secret":
		err = core.Secrets(namespace).Delete(ctx, name, options)
	case "ServiceAccount":
		err = core.ServiceAccounts(namespace).Delete(ctx, name, options)
	case "RoleBinding":
		err = rbac.RoleBindings(namespace).Delete(ctx, name, options)
	case "ClusterRoleBinding":
		err = rbac.ClusterRoleBindings().Delete(ctx, name, options)
	case "ClusterRole":
		err = rbac.ClusterRoles().Delete(ctx, name, options)
	default:
		return fmt.Errorf("cannot delete a %s", kind)
	}
	return err
}

// accessQuestion is a SubjectAccessReview: may user (in groups) do verb on
// the resource (an API resource, or for request-serviceaccounts-token-audience
// the audience) named name in namespace?
type accessQuestion struct {
	User      string   `json:"user"`
	Groups    []string `json:"groups"`
	Verb      string   `json:"verb"`
	Resource  string   `json:"resource"`
	Namespace string   `json:"namespace"`
	Name      string   `json:"name"`
}

func (c *cluster) allowed(ctx context.Context, q accessQuestion) (bool, error) {
	review, err := c.admin.AuthorizationV1().SubjectAccessReviews().Create(ctx,
		&authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User: q.User, Groups: q.Groups,
			ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: q.Namespace, Verb: q.Verb, Resource: q.Resource, Name: q.Name,
			},
		}}, metav1.CreateOptions{})
	if err != nil {
		return false, err
	}
	return review.Status.Allowed, nil
}

// waitAccess waits until the authorizers (fed by informers) answer want:
// RBAC objects and pod bindings take effect a moment after they are stored.
func (c *cluster) waitAccess(ctx context.Context, q accessQuestion, want bool) error {
	deadline, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		allowed, err := c.allowed(deadline, q)
		if err == nil && allowed == want {
			return nil
		}
		select {
		case <-deadline.Done():
			return fmt.Errorf("access for %s to %s %s/%s is still not %v (last error: %v)",
				q.User, q.Verb, q.Resource, q.Name, want, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// createSecrets creates count Secrets <prefix><0000…> of one type and data
// concurrently, as fast as the API server takes them.
func (c *cluster) createSecrets(ctx context.Context, namespace, prefix, kind string, count int, data map[string]string) error {
	const workers = 16
	bytes := map[string][]byte{}
	for key, value := range data {
		bytes[key] = []byte(value)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < count; i = int(next.Add(1)) - 1 {
				secret := &corev1.Secret{
					ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s%04d", prefix, i), Namespace: namespace},
					Type:       corev1.SecretType(kind),
					Data:       bytes,
				}
				if _, err := c.admin.CoreV1().Secrets(namespace).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// nodeKubeconfig writes a kubeadm-style kubelet kubeconfig for node name at
// path: the cluster's CA and server, a client certificate for
// system:node:<name> in group system:nodes (the identity the Node authorizer
// and NodeRestriction know).
func (c *cluster) nodeKubeconfig(name, path string) error {
	user := "system:node:" + name
	client, err := c.ca.issue(user, []string{"system:nodes"}, nil, nil)
	if err != nil {
		return err
	}
	certFile, keyFile, err := client.write(filepath.Join(c.dir, "pki"), "node-"+name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, kubeconfig(c.server, c.ca.certPEM, user, certFile, keyFile), 0o600)
}
