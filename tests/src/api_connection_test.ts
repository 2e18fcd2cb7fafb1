import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { resolveApiConnection } from "../../src/api_connection.ts";
import { parseProviderArgs } from "../../src/flags.ts";
import type { ProviderConfig } from "../../src/provider_config.ts";
import type { LogLevel } from "../../domain/ports.ts";
import type { ProxyEnvironment } from "../../domain/api_server/proxy_for_url.ts";
import { type TreeEntry, withTempDir, writeTree } from "../support/temp_tree.ts";

const CA = await Deno.readTextFile(new URL("../testdata/tls/ca.pem", import.meta.url));
const OTHER = await Deno.readTextFile(new URL("../testdata/tls/other-ca.pem", import.meta.url));

function kubeconfig(server: string, ca: string): string {
  return `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${server}\n    ${ca}\n` +
    "contexts:\n- name: k\n  context:\n    cluster: c\ncurrent-context: k\n";
}

function config(root: string, args: string[] = []): ProviderConfig {
  const command = parseProviderArgs(["--kubernetes-config-dir", `${root}/kube`, ...args]);
  assert.ok(command.kind === "run");
  return {
    ...command.config,
    kubeconfigs: [`${root}/kube/kubelet.conf`, `${root}/var/kubeconfig`],
  };
}

async function resolve(
  files: Record<string, TreeEntry>,
  args: (root: string) => string[] = () => [],
  proxies: ProxyEnvironment = {},
) {
  return await withTempDir(async (root) => {
    await writeTree(root, files);
    const logs: [LogLevel, string][] = [];
    try {
      const connection = await resolveApiConnection(config(root, args(root)), {
        logger: { log: (l, m) => logs.push([l, m]) },
        proxies,
      });
      return { connection, logs: logs.map(([l, m]) => [l, m.replaceAll(root, "<root>")]) };
    } catch (error) {
      return {
        error: (error as Error).message.replaceAll(root, "<root>"),
        logs: logs.map(([l, m]) => [l, m.replaceAll(root, "<root>")]),
      };
    }
  });
}

Deno.test("resolveApiConnection() prefers --api-server and --ca-file", async () => {
  const result = await resolve(
    {
      "kube/apiserver-url.env": "KUBERNETES_SERVICE_HOST=env\nKUBERNETES_SERVICE_PORT=1\n",
      "ca.pem": CA,
    },
    (root) => ["--api-server", "https://flag.example:6443", "--ca-file", `${root}/ca.pem`],
  );
  assertEquals(result, {
    connection: { server: "https://flag.example:6443", trust: { caPem: CA } },
    logs: [
      ["info", "Using API server host: flag.example:6443 (from --api-server)"],
      ["info", 'Verifying the API server certificate with CA "<root>/ca.pem"'],
    ],
  });
});

Deno.test("resolveApiConnection() leaves the kubeconfig unread when the flags answer", async () => {
  // A kubeconfig that cannot be parsed would fail the run if it were read.
  const result = await resolve(
    { "kube/kubelet.conf": "clusters: [", "ca.pem": CA },
    (root) => ["--api-server", "https://flag.example:6443", "--ca-file", `${root}/ca.pem`],
  );
  assertEquals(result.connection, { server: "https://flag.example:6443", trust: { caPem: CA } });
});

Deno.test("resolveApiConnection() reads OpenShift's env file, the CA from the kubeconfig", async () => {
  const result = await resolve({
    "kube/apiserver-url.env":
      "KUBERNETES_SERVICE_HOST='api-int.c.example'\nKUBERNETES_SERVICE_PORT='6443'\n",
    "var/kubeconfig": kubeconfig(
      "https://10.0.0.1:6443",
      `certificate-authority-data: ${btoa(CA)}`,
    ),
  });
  assertEquals(result, {
    connection: { server: "https://api-int.c.example:6443", trust: { caPem: CA } },
    logs: [
      ["info", "Using API server host: api-int.c.example:6443"],
      [
        "info",
        'Verifying the API server certificate with CA certificate-authority-data of "<root>/var/kubeconfig"',
      ],
    ],
  });
});

Deno.test("resolveApiConnection() falls back to the kubelet kubeconfig (W1, W2)", async () => {
  const result = await resolve({
    "kube/apiserver-url.env": "",
    "kube/kubelet.conf": kubeconfig("https://[fd00::1]:6443", "certificate-authority: pki/ca.crt"),
    "kube/pki/ca.crt": CA,
    "kube/kubelet-ca.crt": OTHER,
  });
  assertEquals(result, {
    connection: { server: "https://[fd00::1]:6443", trust: { caPem: CA } },
    logs: [
      [
        "info",
        'Env file "<root>/kube/apiserver-url.env" missing KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT, using the kubelet kubeconfig "<root>/kube/kubelet.conf"',
      ],
      ["info", "Using API server host: [fd00::1]:6443"],
      ["info", 'Verifying the API server certificate with CA "<root>/kube/pki/ca.crt"'],
    ],
  });
});

Deno.test("resolveApiConnection() uses localhost:6443 and the node's CA files last", async () => {
  const result = await resolve({ "kube/kubelet-ca.crt": CA });
  assertEquals(result, {
    connection: { server: "https://localhost:6443", trust: { caPem: CA } },
    logs: [
      [
        "info",
        'Unable to find env file "<root>/kube/apiserver-url.env", using default API server host: localhost:6443',
      ],
      ["info", 'Verifying the API server certificate with CA "<root>/kube/kubelet-ca.crt"'],
    ],
  });
});

Deno.test("resolveApiConnection() skips an empty CA file for the next one", async () => {
  const result = await resolve({ "kube/kubelet-ca.crt": "", "kube/pki/ca.crt": CA });
  assertEquals(result.connection?.trust, { caPem: CA });
  assertEquals(result.logs.at(-1), [
    "info",
    'Verifying the API server certificate with CA "<root>/kube/pki/ca.crt"',
  ]);
});

Deno.test("resolveApiConnection() never logs credentials in the env file's host", async (t) => {
  await t.step("resolveApiConnection() with a user name before the host", async () => {
    const result = await resolve({
      "kube/apiserver-url.env":
        "KUBERNETES_SERVICE_HOST='hunter2@api-int.c.example'\nKUBERNETES_SERVICE_PORT=6443\n",
      "kube/kubelet-ca.crt": CA,
    });
    assertEquals(result.connection?.server, "https://api-int.c.example:6443");
    assertEquals(result.logs[0], ["info", "Using API server host: api-int.c.example:6443"]);
    assert.ok(!JSON.stringify(result).includes("hunter2"));
  });
  await t.step("resolveApiConnection() with a password before the host", async () => {
    const result = await resolve({
      "kube/apiserver-url.env":
        "KUBERNETES_SERVICE_HOST='bob:hunter2@api-int.c.example'\nKUBERNETES_SERVICE_PORT=6443\n",
      "kube/kubelet-ca.crt": CA,
    });
    assert.match(result.error ?? "", /^Invalid API server URL "https:\/\/REDACTED@/);
    assert.ok(!JSON.stringify(result).includes("hunter2"));
  });
});

Deno.test("resolveApiConnection() fails closed without a CA", async () => {
  const result = await resolve({});
  assertEquals(
    result.error,
    "No CA to verify the API server with: pass --ca-file or --kubeconfig, or --insecure-skip-tls-verify to skip verification (not recommended)",
  );
});

Deno.test("resolveApiConnection() skips verification only when told, and says so", async () => {
  const result = await resolve(
    {},
    () => ["--api-server", "https://api:6443", "--insecure-skip-tls-verify"],
  );
  assertEquals(result.connection, { server: "https://api:6443", trust: "insecure" });
  assertEquals(result.logs.at(-1), [
    "warning",
    "Not verifying the API server certificate (--insecure-skip-tls-verify)",
  ]);
});

Deno.test("resolveApiConnection() rejects unusable sources", async (t) => {
  const rows: readonly [string, Record<string, TreeEntry>, (root: string) => string[], string][] = [
    [
      "plain HTTP off loopback",
      { "kube/kubelet.conf": kubeconfig("http://api.example.com", "") },
      () => [],
      'Refusing plain HTTP API server "http://api.example.com": only loopback IP addresses (127.0.0.0/8, [::1]) may use http://',
    ],
    [
      "plain HTTP to a name, credentials in the URL",
      { "kube/kubelet.conf": kubeconfig("http://bob:hunter2@localhost:8080", "") },
      () => [],
      'Refusing plain HTTP API server "http://REDACTED@localhost:8080"',
    ],
    [
      "an empty --ca-file",
      { "empty.pem": "\n" },
      (root) => ["--api-server", "https://a", "--ca-file", `${root}/empty.pem`],
      'Cannot use CA file "<root>/empty.pem": it is empty',
    ],
    [
      "a broken kubeconfig",
      { "kube/kubelet.conf": "clusters: [" },
      () => [],
      'Cannot use kubeconfig "<root>/kube/kubelet.conf": invalid YAML',
    ],
    [
      "a missing --ca-file",
      {},
      (root) => ["--api-server", "https://a", "--ca-file", `${root}/nope.pem`],
      'Cannot read CA file "<root>/nope.pem": not found',
    ],
  ];
  for (const [name, files, args, message] of rows) {
    await t.step(`resolveApiConnection() rejects ${name}`, async () => {
      const result = await resolve(files, args);
      assert.ok(result.error?.startsWith(message), result.error);
    });
  }
});

Deno.test("resolveApiConnection() allows plain HTTP to loopback with a warning", async () => {
  const result = await resolve({}, () => ["--api-server", "http://127.0.0.1:8080"]);
  assertEquals(result.connection, { server: "http://127.0.0.1:8080", trust: "plain-http" });
  assertEquals(result.logs.at(-1), [
    "warning",
    'Talking plain HTTP to the loopback API server "http://127.0.0.1:8080"',
  ]);
});
