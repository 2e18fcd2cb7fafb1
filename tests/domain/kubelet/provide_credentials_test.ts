import assert from "node:assert/strict";
import { assertEquals } from "../../support/assert.ts";
import {
  provideCredentials,
  type ProviderDeps,
} from "../../../domain/kubelet/provide_credentials.ts";
import type { LogLevel, PullSecret, SecretListing, SecretLookup } from "../../../domain/ports.ts";
import type { RegistriesSources } from "../../../domain/registries/registries_model.ts";
import { kubeletRequest, serviceAccountToken } from "../../support/api_stand_in.ts";

const CONF_PATH = "/etc/containers/registries.conf";
const AUTH_DIR = "/etc/crio/auth";
const NGINX_FILE =
  `${AUTH_DIR}/default-7e59ad64326bc321517fb6fc6586de5ee149178394d9edfa2a877176cdf6fad5.json`;
const MIRROR_CONF =
  '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "localhost:5000"\ninsecure = true\n';
const MY_SECRET: PullSecret = {
  name: "my-secret",
  type: "kubernetes.io/dockerconfigjson",
  data: {
    ".dockerconfigjson":
      '{"auths":{"http://localhost:5000":{"username":"myuser","password":"mypassword","auth":"bXl1c2VyOm15cGFzc3dvcmQ="}}}\n',
  },
};
const TOKEN = serviceAccountToken("default");
const RESPONSE_WITHOUT_TOKEN =
  '{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry","cacheDuration":"0s"}\n';
/** With a token: an empty credential for the image, so kubelet records the pull per service account. */
const RESPONSE = RESPONSE_WITHOUT_TOKEN.replace(
  /}\n$/,
  ',"auth":{"docker.io/library/nginx":{"username":"","password":""}}}\n',
);

interface Fakes {
  readonly deps: ProviderDeps;
  readonly logs: [LogLevel, string][];
  readonly responses: string[];
  readonly files: Map<string, string>;
  readonly secretCalls: [string, string][];
  /** Secrets asked for by name: [namespace, names]. */
  readonly getCalls: [string, readonly string[]][];
  readonly sweeps: [string, number][];
}

/** A promise that never settles: a read that blocks (a FIFO, a hung mount). */
const BLOCKS = new Promise<never>(() => {});

function fakes(options: {
  stdin?: string;
  conf?: RegistriesSources | Error;
  listing?: SecretListing | Error;
  lookup?: SecretLookup | Error;
  global?: string | "blocks";
  files?: Record<string, string>;
  writeFails?: boolean;
  deadline?: AbortSignal;
}): Fakes {
  const logs: [LogLevel, string][] = [];
  const responses: string[] = [];
  const files = new Map(Object.entries(options.files ?? {}));
  const secretCalls: [string, string][] = [];
  const getCalls: [string, readonly string[]][] = [];
  const sweeps: [string, number][] = [];
  const deps: ProviderDeps = {
    requests: {
      read: () =>
        Promise.resolve(options.stdin ?? kubeletRequest("docker.io/library/nginx", TOKEN)),
    },
    responses: { write: (text) => Promise.resolve(void responses.push(text)) },
    registries: {
      read: () =>
        options.conf instanceof Error ? Promise.reject(options.conf) : Promise.resolve({
          mainPath: CONF_PATH,
          ...(options.conf ?? { main: { path: CONF_PATH, text: MIRROR_CONF }, dropIns: [] }),
        }),
    },
    secrets: {
      listPullSecrets(namespace, token) {
        secretCalls.push([namespace, token]);
        const listing = options.listing ?? { kind: "listed", secrets: [MY_SECRET] };
        return listing instanceof Error ? Promise.reject(listing) : Promise.resolve(listing);
      },
      getSecrets(namespace, { names }) {
        getCalls.push([namespace, names]);
        const lookup = options.lookup ??
          { kind: "found", secrets: [MY_SECRET], unavailable: [] };
        return lookup instanceof Error ? Promise.reject(lookup) : Promise.resolve(lookup);
      },
    },
    globalAuth: {
      path: "/var/lib/kubelet/config.json",
      read: () => options.global === "blocks" ? BLOCKS : Promise.resolve(options.global),
    },
    authStore: {
      write(path, content) {
        if (options.writeFails) {
          return Promise.reject(new Error("rename temp auth file: disk full"));
        }
        files.set(path, content);
        return Promise.resolve();
      },
      remove: (path) => Promise.resolve(files.delete(path)),
      sweep(dir, olderThan) {
        sweeps.push([dir, olderThan]);
        return Promise.resolve(0);
      },
    },
    logger: { log: (level, message) => logs.push([level, message]) },
    clock: { now: () => 1_000_000_000 },
    deadline: options.deadline ?? new AbortController().signal,
  };
  return { deps, logs, responses, files, secretCalls, getCalls, sweeps };
}

const S1_START = [
  "Running credential provider",
  "Reading from stdin",
  'Parsed credential provider request for image "docker.io/library/nginx"',
  "Parsing namespace from request",
];

function messages(logs: readonly [LogLevel, string][]): string[] {
  return logs.map(([, message]) => message);
}

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

Deno.test("provideCredentials() fails closed, removing a stale file", async (t) => {
  const rows: readonly {
    name: string;
    options: Parameters<typeof fakes>[0];
    message: string;
    removes: boolean;
    /** The deadline as the core's clock reads it. */
    deadlineAt?: number;
  }[] = [
    {
      name: "S6: an invalid registries.conf",
      options: {
        conf: {
          main: { path: CONF_PATH, text: '[[registry]]\nlocation = "https://quay.io"\n' },
          dropIns: [],
        },
      },
      message:
        `unable to match mirrors: loading registries configuration: loading registries configuration "${CONF_PATH}": invalid location 'https://quay.io': URI schemes are not supported`,
      removes: true,
    },
    {
      name: "S8: the API refuses otherwise",
      options: {
        listing: new Error(
          'Cannot list secrets from "https://api/…": HTTP 500 Internal Server Error',
        ),
      },
      message:
        'unable to get secrets: Cannot list secrets from "https://api/…": HTTP 500 Internal Server Error',
      removes: true,
    },
    {
      name: "an invalid global auth file",
      options: { global: "{" },
      message:
        'unable to create auth file: unable to read global auth file: unmarshaling JSON at "/var/lib/kubelet/config.json": ',
      removes: true,
    },
    {
      name: "a registries.conf that cannot be read (fails before the namespace is known)",
      options: {
        conf: new Error('Cannot read registries configuration "/etc/containers/registries.conf"'),
      },
      message:
        'unable to match mirrors: loading registries configuration: Cannot read registries configuration "/etc/containers/registries.conf"',
      removes: true,
    },
    {
      name: "a 401: the API server did not accept the token",
      options: { listing: { kind: "refused", status: 401, message: "Unauthorized" } },
      message:
        "unable to get secrets: the API server did not accept the service account token (HTTP 401: Unauthorized); the token has no audience: check that tokenAttributes.serviceAccountTokenAudience",
      removes: true,
    },
    {
      name: "the deadline during a read that blocks",
      options: { global: "blocks", deadline: AbortSignal.timeout(50) },
      message:
        "unable to create auth file: unable to read global auth file: the run's deadline passed",
      removes: true,
    },
    {
      // The deadline's timer cannot fire while the merge runs: the merge checks the clock.
      name: "the deadline during a long merge",
      options: {
        listing: {
          kind: "listed",
          secrets: Array.from({ length: 1000 }, (_, i) => ({ ...MY_SECRET, name: `s${i}` })),
        },
      },
      deadlineAt: 999_999_999,
      message: "unable to create auth file: the run's deadline passed",
      removes: true,
    },
    {
      name: "a failed write",
      options: { writeFails: true },
      message:
        "unable to create auth file: unable to write namespace auth file: rename temp auth file: disk full",
      removes: true,
    },
    {
      name: "malformed stdin",
      options: { stdin: "not json" },
      message: "unable to parse credential provider request from stdin: invalid JSON: ",
      removes: false,
    },
    {
      name: "a namespace that is no DNS label",
      options: {
        stdin: kubeletRequest("docker.io/library/nginx", serviceAccountToken("../../etc")),
      },
      message: 'unable to extract namespace: invalid namespace "../../etc"',
      removes: false,
    },
  ];
  for (const row of rows) {
    await t.step(`provideCredentials() fails on ${row.name}`, async () => {
      const f = fakes({ ...row.options, files: { [NGINX_FILE]: "old" } });
      const options = {
        authDir: AUTH_DIR,
        ...(row.deadlineAt ? { deadlineAt: row.deadlineAt } : {}),
      };
      await assert.rejects(provideCredentials(f.deps, options), (error: Error) => {
        assert.ok(error.message.startsWith(row.message), error.message);
        return true;
      });
      assertEquals(f.responses, []);
      assertEquals(f.files.has(NGINX_FILE), !row.removes);
    });
  }
});

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
