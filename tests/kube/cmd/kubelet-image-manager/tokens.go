package main

// What kubelet gets from the API server for a provider in service-account
// token mode: the pod's ServiceAccount (for its UID and annotations) and a
// bound token (TokenRequest). Both are answered locally for the step being
// run. The token is unsigned but JWT-shaped, with the claims the API server
// puts in a bound token; the provider only decodes it, and the API stand-in
// of the Deno test accepts it for the namespace it names.

import (
	"encoding/base64"
	"encoding/json"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

type serviceAccounts struct {
	issuer  string
	current step
}

// get is plugin.GetServiceAccountFunc: the step's ServiceAccount, with its UID.
func (a *serviceAccounts) get(namespace, name string) (*v1.ServiceAccount, error) {
	if namespace != a.current.Namespace || name != a.current.ServiceAccount || name == "" {
		return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "serviceaccounts"}, name)
	}
	account := &v1.ServiceAccount{}
	account.Name, account.Namespace = name, namespace
	account.UID = types.UID(a.current.ServiceAccountUID)
	return account, nil
}

func jwtSegment(value any) (string, error) {
	encoded, err := json.Marshal(value)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(encoded), nil
}

// token answers kubelet's TokenRequest (the plugin package's
// getServiceAccountTokenFunc) with a token for the service account, bound to
// the pod the request names.
func (a *serviceAccounts) token(
	namespace, name string,
	request *authenticationv1.TokenRequest,
) (*authenticationv1.TokenRequest, error) {
	now := time.Now()
	expires := now.Add(time.Hour)
	if request.Spec.ExpirationSeconds != nil {
		expires = now.Add(time.Duration(*request.Spec.ExpirationSeconds) * time.Second)
	}
	kubernetes := map[string]any{
		"namespace": namespace,
		"serviceaccount": map[string]any{
			"name": name,
			"uid":  string(request.UID),
		},
	}
	if bound := request.Spec.BoundObjectRef; bound != nil && bound.Kind == "Pod" {
		kubernetes["pod"] = map[string]any{"name": bound.Name, "uid": string(bound.UID)}
	}
	claims := map[string]any{
		"aud":           request.Spec.Audiences,
		"exp":           expires.Unix(),
		"iat":           now.Unix(),
		"nbf":           now.Unix(),
		"sub":           "system:serviceaccount:" + namespace + ":" + name,
		"kubernetes.io": kubernetes,
	}
	if a.issuer != "" {
		claims["iss"] = a.issuer
	}
	header, err := jwtSegment(map[string]string{"alg": "RS256", "kid": "kubelet-image-manager"})
	if err != nil {
		return nil, err
	}
	payload, err := jwtSegment(claims)
	if err != nil {
		return nil, err
	}
	answer := request.DeepCopy()
	answer.Status = authenticationv1.TokenRequestStatus{
		Token:               header + "." + payload + "." + base64.RawURLEncoding.EncodeToString([]byte("unsigned")),
		ExpirationTimestamp: metav1.NewTime(expires),
	}
	return answer, nil
}
