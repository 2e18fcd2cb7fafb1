package main

// What the API server received, from its audit log: a test asserts which
// requests the provider made (each list, a page's continue token, its
// user agent) and that a run that must send nothing sent
// nothing. Events are written when an answer is complete, so the fixture
// first makes a request of its own and reads up to that marker: whatever
// reached the API server before it is then in the log.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// auditEvent is what a test sees of one event.
type auditEvent struct {
	User      string `json:"user"`
	Verb      string `json:"verb"`
	URI       string `json:"uri"`
	UserAgent string `json:"userAgent"`
	Code      int32  `json:"code"`
}

type rawAuditEvent struct {
	User struct {
		Username string `json:"username"`
	} `json:"user"`
	Verb           string `json:"verb"`
	RequestURI     string `json:"requestURI"`
	UserAgent      string `json:"userAgent"`
	ResponseStatus struct {
		Code int32 `json:"code"`
	} `json:"responseStatus"`
}

// audit returns the events logged from byte offset since up to a marker
// request made now (not included), and the offset after the marker.
func (c *cluster) audit(ctx context.Context, since int64) ([]auditEvent, int64, error) {
	nonce := make([]byte, 8)
	if _, err := rand.Read(nonce); err != nil {
		return nil, 0, err
	}
	marker := "kube-fixture-audit-marker/" + hex.EncodeToString(nonce)
	config := rest.CopyConfig(c.adminConfig)
	config.UserAgent = marker
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, 0, err
	}
	if _, err := client.Discovery().RESTClient().Get().AbsPath("/version").DoRaw(ctx); err != nil {
		return nil, 0, err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		events, offset, found, err := readAudit(c.auditLog, since, marker)
		if err != nil || found {
			return events, offset, err
		}
		if time.Now().After(deadline) {
			return nil, 0, fmt.Errorf("the audit log did not show the marker request within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readAudit(path string, since int64, marker string) ([]auditEvent, int64, bool, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, 0, false, err
	}
	defer file.Close()
	if _, err := file.Seek(since, 0); err != nil {
		return nil, 0, false, err
	}
	events := []auditEvent{}
	offset := since
	reader := bufio.NewReaderSize(file, 1<<20)
	for {
		line, err := reader.ReadBytes('\n')
		if err != nil {
			// The end of the log, or a line still being written.
			return events, offset, false, nil
		}
		offset += int64(len(line))
		var raw rawAuditEvent
		if err := json.Unmarshal(bytes.TrimSpace(line), &raw); err != nil {
			return nil, 0, false, fmt.Errorf("audit log line at %d: %w", offset, err)
		}
		if raw.UserAgent == marker {
			return events, offset, true, nil
		}
		events = append(events, auditEvent{
			User: raw.User.Username, Verb: raw.Verb, URI: raw.RequestURI,
			UserAgent: raw.UserAgent, Code: raw.ResponseStatus.Code,
		})
	}
}
