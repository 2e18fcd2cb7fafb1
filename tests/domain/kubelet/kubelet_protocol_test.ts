import { assertEquals, assertThrows } from "../../support/assert.ts";
import {
  encodeResponse,
  parseRequest,
  RequestError,
} from "../../../domain/kubelet/kubelet_protocol.ts";

const V1 = "credentialprovider.kubelet.k8s.io/v1";

Deno.test("parseRequest() accepts what kubelet sends", async (t) => {
  const rows: readonly [string, string, Record<string, unknown>][] = [
    [
      "a v1 request without token (W02)",
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":"docker.io/library/nginx"}\n`,
      { apiVersion: V1, image: "docker.io/library/nginx" },
    ],
    [
      "a v1 request with token and annotations (W02)",
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":"docker.io/library/nginx","serviceAccountToken":"a.b.c","serviceAccountAnnotations":{"example.com/id":"42"}}`,
      {
        apiVersion: V1,
        image: "docker.io/library/nginx",
        serviceAccountToken: "a.b.c",
        serviceAccountAnnotations: { "example.com/id": "42" },
      },
    ],
    [
      "v1beta1",
      '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1beta1","image":"quay.io/a/b"}',
      { apiVersion: "credentialprovider.kubelet.k8s.io/v1beta1", image: "quay.io/a/b" },
    ],
    [
      "v1alpha1 with a port",
      '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1alpha1","image":"localhost:5000/a"}',
      { apiVersion: "credentialprovider.kubelet.k8s.io/v1alpha1", image: "localhost:5000/a" },
    ],
    [
      "unknown fields from a newer kubelet",
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":"quay.io/a/b","future":{"x":1}}`,
      { apiVersion: V1, image: "quay.io/a/b" },
    ],
    [
      "an empty token as no token",
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":"quay.io/a/b","serviceAccountToken":""}`,
      { apiVersion: V1, image: "quay.io/a/b" },
    ],
  ];
  for (const [name, text, expected] of rows) {
    await t.step(
      `parseRequest() accepts ${name}`,
      () => assertEquals(parseRequest(text), expected),
    );
  }
});

Deno.test("parseRequest() rejects with one clear line", async (t) => {
  const rows: readonly [string, string, string][] = [
    ["empty input", "", "invalid JSON: unexpected end of input"],
    [
      "a wrong kind",
      `{"kind":"CredentialProviderResponse","apiVersion":"${V1}","image":"quay.io/a"}`,
      'kind: expected "CredentialProviderRequest"',
    ],
    [
      "an unknown API version",
      '{"kind":"CredentialProviderRequest","apiVersion":"v2","image":"quay.io/a"}',
      'apiVersion: expected "credentialprovider.kubelet.k8s.io/v1" or "credentialprovider.kubelet.k8s.io/v1beta1" or "credentialprovider.kubelet.k8s.io/v1alpha1"',
    ],
    [
      "a missing image",
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}"}`,
      "image: expected string",
    ],
    ["an array", "[]", "request: expected object"],
    [
      "a tagged image",
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":"docker.io/library/nginx:1"}`,
      'image "docker.io/library/nginx:1" is not a normalized repository name',
    ],
    [
      "a short name",
      `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":"nginx"}`,
      'image "nginx" is not a normalized repository name',
    ],
  ];
  for (const [name, text, message] of rows) {
    await t.step(`parseRequest() rejects ${name}`, () => {
      const error = assertThrows(() => parseRequest(text), RequestError, message);
      assertEquals(error.message.includes("\n"), false);
    });
  }
});

Deno.test("encodeResponse() echoes the API version with cacheDuration 0s (W07)", async (t) => {
  for (const version of ["v1", "v1beta1", "v1alpha1"] as const) {
    await t.step(`encodeResponse() for ${version}`, () => {
      assertEquals(
        encodeResponse(`credentialprovider.kubelet.k8s.io/${version}`),
        `{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/${version}","cacheKeyType":"Registry","cacheDuration":"0s"}\n`,
      );
    });
  }
});
