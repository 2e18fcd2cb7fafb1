package main

// Bound service-account tokens as the API server issues them (TokenRequest,
// bound to a pod), and the one thing the API server will not issue: a token
// that has already expired (TokenRequest refuses lifetimes under ten
// minutes). The fixture takes a real token and signs it again with the
// cluster's own key, with only its times changed, so the API server's
// answer to it differs from a live token's by the expiry alone.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type tokenSigner struct {
	key *rsa.PrivateKey
}

// resign returns token with its expiry set to expires (issued an hour
// before, as TokenRequest's default lifetime), signed again with the key
// the API server verifies; header and every other claim are kept.
func (s *tokenSigner) resign(token string, expires time.Time) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("not a JWT: %d parts", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("decoding the token's claims: %w", err)
	}
	decoder := json.NewDecoder(bytes.NewReader(payload))
	decoder.UseNumber()
	var claims map[string]any
	if err := decoder.Decode(&claims); err != nil {
		return "", fmt.Errorf("decoding the token's claims: %w", err)
	}
	issued := expires.Add(-time.Hour).Unix()
	claims["exp"], claims["iat"], claims["nbf"] = expires.Unix(), issued, issued
	encoded, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signed := parts[0] + "." + base64.RawURLEncoding.EncodeToString(encoded)
	digest := sha256.Sum256([]byte(signed))
	signature, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(signature), nil
}

// requestToken is a TokenRequest by the fixture's admin for the service
// account, bound to the pod (by name and its current UID).
func (c *cluster) requestToken(ctx context.Context, namespace, account, pod string, audiences []string) (*authenticationv1.TokenRequest, error) {
	request := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{Audiences: audiences}}
	if pod != "" {
		bound, err := c.admin.CoreV1().Pods(namespace).Get(ctx, pod, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		request.Spec.BoundObjectRef = &authenticationv1.BoundObjectReference{
			Kind: "Pod", APIVersion: "v1", Name: bound.Name, UID: bound.UID,
		}
	}
	return c.admin.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, account, request, metav1.CreateOptions{})
}

// tokenAccepted asks the API server (TokenReview) whether it authenticates
// the token for its own audiences.
func (c *cluster) tokenAccepted(ctx context.Context, token string) (bool, error) {
	review, err := c.admin.AuthenticationV1().TokenReviews().Create(ctx,
		&authenticationv1.TokenReview{Spec: authenticationv1.TokenReviewSpec{Token: token}},
		metav1.CreateOptions{})
	if err != nil {
		return false, err
	}
	return review.Status.Authenticated, nil
}

// waitTokenRejected waits until the API server no longer accepts the token:
// after its pod is deleted, the API server's informers must see the deletion,
// and a success it cached (for 10 s) must expire.
func (c *cluster) waitTokenRejected(ctx context.Context, token string) (time.Duration, error) {
	began := time.Now()
	deadline, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// A review before the informers saw the deletion would cache a success.
	time.Sleep(500 * time.Millisecond)
	for {
		accepted, err := c.tokenAccepted(deadline, token)
		if err == nil && !accepted {
			return time.Since(began), nil
		}
		select {
		case <-deadline.Done():
			return 0, fmt.Errorf("the API server still accepts the token after %s (last error: %v)", time.Since(began), err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}
