/**
 * provideCredentials() with the pull secrets the service account names in
 * its annotation `crio-credential-provider.cri-o.io/pull-secrets`: got by
 * name, never listed, in the annotation's order of precedence.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../../support/assert.ts";
import { provideCredentials } from "../../../domain/kubelet/provide_credentials.ts";
import type { PullSecret } from "../../../domain/ports.ts";
import {
  AUTH_DIR,
  fakes,
  messages,
  MY_SECRET,
  NGINX_FILE,
  RESPONSE,
  TOKEN,
} from "../../support/provide_credentials_fakes.ts";

const ANNOTATION = "crio-credential-provider.cri-o.io/pull-secrets";

function annotatedRequest(value: string, apiVersion?: string): string {
  return `${
    JSON.stringify({
      kind: "CredentialProviderRequest",
      apiVersion: apiVersion ?? "credentialprovider.kubelet.k8s.io/v1",
      image: "docker.io/library/nginx",
      serviceAccountToken: TOKEN,
      serviceAccountAnnotations: { [ANNOTATION]: value },
    })
  }\n`;
}

function dockerSecret(name: string, auth: string): PullSecret {
  return {
    name,
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": JSON.stringify({ auths: { "localhost:5000": { auth } } }) },
  };
}

Deno.test("provideCredentials() reads the secrets the service account names, by name", async (t) => {
  await t.step("provideCredentials() gets the named secrets and never lists", async () => {
    const f = fakes({ stdin: annotatedRequest("mirror-creds, cache-creds") });
    const outcome = await provideCredentials(f.deps, { authDir: AUTH_DIR });
    assertEquals(outcome, { kind: "written", authFile: NGINX_FILE, entries: 1 });
    assertEquals(f.getCalls, [["default", ["mirror-creds", "cache-creds"]]]);
    assertEquals(f.secretCalls, []);
    assert.ok(
      messages(f.logs).includes(
        `Getting secrets "mirror-creds", "cache-creds" from namespace: default (annotation ${ANNOTATION})`,
      ),
    );
  });
  await t.step("provideCredentials() keeps the annotation's order of precedence", async () => {
    const f = fakes({
      stdin: annotatedRequest("z-first, a-second"),
      lookup: {
        kind: "found",
        secrets: [
          dockerSecret("a-second", "c2Vjb25kOjI="),
          dockerSecret("z-first", "Zmlyc3Q6MQ=="),
        ],
        unavailable: [],
      },
    });
    await provideCredentials(f.deps, { authDir: AUTH_DIR });
    assertEquals(JSON.parse(f.files.get(NGINX_FILE)!).auths["localhost:5000"].auth, "Zmlyc3Q6MQ==");
  });
  await t.step(
    "provideCredentials() warns about a named secret it cannot read, uses the others",
    async () => {
      const f = fakes({
        stdin: annotatedRequest("gone, locked, mirror-creds"),
        lookup: {
          kind: "found",
          secrets: [MY_SECRET],
          unavailable: [{ name: "gone", status: 404 }, { name: "locked", status: 403 }],
        },
      });
      assertEquals((await provideCredentials(f.deps, { authDir: AUTH_DIR })).kind, "written");
      assertEquals(f.logs.filter(([level]) => level === "warning"), [
        [
          "warning",
          'Secret "gone" named by the service account in namespace "default" does not exist',
        ],
        [
          "warning",
          'Secret "locked" named by the service account in namespace "default" may not be read (HTTP 403): grant the pod\'s service account "get" on it',
        ],
      ]);
    },
  );
  await t.step(
    "provideCredentials() writes nothing for a malformed annotation and removes a stale file",
    async () => {
      const f = fakes({ stdin: annotatedRequest("Mirror-Creds"), files: { [NGINX_FILE]: "old" } });
      assertEquals(await provideCredentials(f.deps, { authDir: AUTH_DIR }), {
        kind: "no-named-secrets",
        authFile: NGINX_FILE,
      });
      assertEquals([f.getCalls, f.secretCalls, f.files.size, f.responses], [[], [], 0, [RESPONSE]]);
      assertEquals(f.logs.filter(([level]) => level === "warning"), [[
        "warning",
        `Not using the pull secrets named by annotation ${ANNOTATION}="Mirror-Creds" of the service account in namespace "default": "Mirror-Creds" is not a Secret name (a DNS-1123 subdomain); will not write any auth file`,
      ]]);
    },
  );
  await t.step(
    "provideCredentials() refuses to list when told to (--require-secret-annotation)",
    async () => {
      const f = fakes({ files: { [NGINX_FILE]: "old" } });
      const outcome = await provideCredentials(f.deps, {
        authDir: AUTH_DIR,
        requireSecretAnnotation: true,
      });
      assertEquals(outcome, { kind: "no-named-secrets", authFile: NGINX_FILE });
      assertEquals([f.getCalls, f.secretCalls, f.files.size, f.responses], [[], [], 0, [RESPONSE]]);
    },
  );
  await t.step("provideCredentials() fails closed on a 401 for a named secret", async () => {
    const f = fakes({
      stdin: annotatedRequest("mirror-creds"),
      lookup: { kind: "refused", status: 401, message: "Unauthorized" },
      files: { [NGINX_FILE]: "old" },
    });
    await assert.rejects(
      provideCredentials(f.deps, { authDir: AUTH_DIR }),
      /unable to get secrets: the API server did not accept the service account token \(HTTP 401: Unauthorized\)/,
    );
    assertEquals([f.files.size, f.responses], [0, []]);
  });
  await t.step("provideCredentials() ignores annotations in a request older than v1", async () => {
    const f = fakes({
      stdin: annotatedRequest("mirror-creds", "credentialprovider.kubelet.k8s.io/v1beta1"),
    });
    await provideCredentials(f.deps, { authDir: AUTH_DIR });
    assertEquals([f.getCalls, f.secretCalls.length], [[], 1]);
  });
});
