/**
 * provideCredentials() on the runs that answer kubelet: a file written, no
 * mirror, no registries configuration, no token, nothing to write, a 403, the
 * global file merged. Failing closed is in
 * `provide_credentials_fail_closed_test.ts`, secrets named by the service
 * account in `provide_credentials_named_secrets_test.ts`.
 */

import { assertEquals } from "../../support/assert.ts";
import { provideCredentials } from "../../../domain/kubelet/provide_credentials.ts";
import { kubeletRequest } from "../../support/api_stand_in.ts";
import {
  AUTH_DIR,
  CONF_PATH,
  fakes,
  messages,
  NGINX_FILE,
  RESPONSE,
  RESPONSE_WITHOUT_TOKEN,
  S1_START,
  TOKEN,
} from "../../support/provide_credentials_fakes.ts";

Deno.test("provideCredentials() S1: mirror found, file written", async () => {
  const f = fakes({});
  const outcome = await provideCredentials(f.deps, { authDir: AUTH_DIR });
  assertEquals(outcome, { kind: "written", authFile: NGINX_FILE, entries: 1 });
  assertEquals(messages(f.logs), [
    ...S1_START,
    `Matching mirrors for registry config: ${CONF_PATH}`,
    'Got mirror(s) for "docker.io/library/nginx": "localhost:5000"',
    "Getting secrets from namespace: default",
    "Got 1 secret(s)",
    "Parsing secret: my-secret",
    'Found docker config JSON auth in secret "my-secret" for "http://localhost:5000"',
    'Checking if mirror "localhost:5000" matches registry "localhost:5000"',
    'Using mirror auth "localhost:5000" for registry from secret "localhost:5000"',
    `Wrote auth file to ${NGINX_FILE} with 1 number of entries`,
    `Auth file path: ${NGINX_FILE}`,
  ]);
  assertEquals(
    f.files.get(NGINX_FILE),
    '{\n\t"auths": {\n\t\t"localhost:5000": {\n\t\t\t"auth": "bXl1c2VyOm15cGFzc3dvcmQ="\n\t\t}\n\t}\n}\n',
  );
  assertEquals(f.responses, [RESPONSE]);
  assertEquals(f.secretCalls, [["default", TOKEN]]);
  assertEquals(f.sweeps, [[AUTH_DIR, 1_000_000_000 - 600_000]]);
});

Deno.test("provideCredentials() S2: no mirror, no API call, stale file removed", async () => {
  const f = fakes({
    conf: { main: { path: CONF_PATH, text: "" }, dropIns: [] },
    files: { [NGINX_FILE]: "old" },
  });
  assertEquals(await provideCredentials(f.deps, { authDir: AUTH_DIR }), {
    kind: "no-mirrors",
    authFile: NGINX_FILE,
  });
  assertEquals(messages(f.logs), [
    ...S1_START,
    `Matching mirrors for registry config: ${CONF_PATH}`,
    "No mirrors found, will not write any auth file",
    `Removed stale auth file ${NGINX_FILE}`,
  ]);
  assertEquals([f.secretCalls, f.files.size, f.responses], [[], 0, [RESPONSE]]);
});

Deno.test("provideCredentials() S3: no registries configuration at all", async () => {
  const f = fakes({ conf: { dropIns: [] } });
  assertEquals(await provideCredentials(f.deps, { authDir: AUTH_DIR }), {
    kind: "no-registries-conf",
  });
  assertEquals(messages(f.logs), [
    "Running credential provider",
    `Registries conf path "${CONF_PATH}" does not exist, stopping`,
  ]);
  assertEquals([f.secretCalls, f.sweeps, f.responses], [[], [], [RESPONSE]]);
});

Deno.test("provideCredentials() answers the request's API version", async () => {
  const f = fakes({
    stdin: kubeletRequest("docker.io/library/nginx", undefined, {
      apiVersion: "credentialprovider.kubelet.k8s.io/v1beta1",
    }),
  });
  await provideCredentials(f.deps, { authDir: AUTH_DIR });
  assertEquals(f.responses, [RESPONSE_WITHOUT_TOKEN.replace("/v1", "/v1beta1")]);
});

Deno.test("provideCredentials() S5: no token is a no-op, not an error (W14)", async () => {
  const f = fakes({ stdin: kubeletRequest("docker.io/library/nginx") });
  assertEquals(await provideCredentials(f.deps, { authDir: AUTH_DIR }), { kind: "no-token" });
  assertEquals(messages(f.logs), [
    ...S1_START,
    "No service account token in the request, will not write any auth file",
  ]);
  assertEquals([f.secretCalls, f.sweeps, f.responses], [[], [], [RESPONSE_WITHOUT_TOKEN]]);
});

Deno.test("provideCredentials() warns of a registries.conf it cannot load, even without a token", async () => {
  const f = fakes({
    stdin: kubeletRequest("docker.io/library/nginx"),
    conf: new Error('Cannot read registries configuration "/etc/containers/registries.conf"'),
  });
  assertEquals(await provideCredentials(f.deps, { authDir: AUTH_DIR }), { kind: "no-token" });
  assertEquals(f.logs.at(-1), [
    "warning",
    'loading registries configuration: Cannot read registries configuration "/etc/containers/registries.conf"',
  ]);
  assertEquals(f.responses, [RESPONSE_WITHOUT_TOKEN]);
});

Deno.test("provideCredentials() S7: nothing matches, nothing written, stale file removed", async () => {
  const f = fakes({
    listing: { kind: "listed", secrets: [] },
    global: '{"auths":{"g.io":{"auth":"Zzpn"}}}',
    files: { [NGINX_FILE]: "old" },
  });
  assertEquals(await provideCredentials(f.deps, { authDir: AUTH_DIR }), {
    kind: "nothing-to-write",
    authFile: NGINX_FILE,
  });
  assertEquals(messages(f.logs).slice(-4), [
    "Got 0 secret(s)",
    "No docker auth found for any available secret",
    "No namespace credentials for the mirrors, will not write any auth file",
    `Removed stale auth file ${NGINX_FILE}`,
  ]);
  assertEquals([f.files.size, f.responses], [0, [RESPONSE]]);
});

const FORBIDDEN =
  'secrets is forbidden: User "system:serviceaccount:default:default" cannot list resource "secrets" in API group "" in the namespace "default"';

Deno.test("provideCredentials() S3 removes a file left from an earlier configuration", async () => {
  const f = fakes({ conf: { dropIns: [] }, files: { [NGINX_FILE]: "old" } });
  assertEquals(await provideCredentials(f.deps, { authDir: AUTH_DIR }), {
    kind: "no-registries-conf",
  });
  assertEquals(messages(f.logs), [
    "Running credential provider",
    `Registries conf path "${CONF_PATH}" does not exist, stopping`,
    `Removed stale auth file ${NGINX_FILE}`,
  ]);
  assertEquals([f.files.size, f.responses], [0, [RESPONSE]]);
});

Deno.test("provideCredentials() treats a 403 as no namespace secrets (W8)", async () => {
  const f = fakes({
    listing: { kind: "refused", status: 403, message: FORBIDDEN },
    files: { [NGINX_FILE]: "old" },
  });
  assertEquals(await provideCredentials(f.deps, { authDir: AUTH_DIR }), {
    kind: "forbidden",
    authFile: NGINX_FILE,
  });
  assertEquals(f.logs.slice(-2), [
    [
      "warning",
      `Not allowed to list secrets in namespace "default" (HTTP 403: ${FORBIDDEN}): grant the pod's service account "get" and "list" on secrets, or name its pull secrets in the annotation crio-credential-provider.cri-o.io/pull-secrets; will not write any auth file`,
    ],
    ["info", `Removed stale auth file ${NGINX_FILE}`],
  ]);
  assertEquals([f.files.size, f.responses], [0, [RESPONSE]]);
});

Deno.test("provideCredentials() merges the global file under namespace credentials", async () => {
  const f = fakes({
    global: '{"auths":{"localhost:5000":{"auth":"Zzpn"},"quay.io":{"auth":"cTpx"},"empty.io":{}}}',
  });
  await provideCredentials(f.deps, { authDir: AUTH_DIR });
  assertEquals(JSON.parse(f.files.get(NGINX_FILE)!), {
    auths: { "localhost:5000": { auth: "bXl1c2VyOm15cGFzc3dvcmQ=" }, "quay.io": { auth: "cTpx" } },
  });
  assertEquals(
    messages(f.logs).at(-2),
    `Wrote auth file to ${NGINX_FILE} with 2 number of entries`,
  );
});
