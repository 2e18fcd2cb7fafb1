/**
 * The provider as kubelet runs it: the real entry point, exactly the
 * permission flags the compiled binary carries, a request on stdin, a real
 * HTTPS API stand-in, real files, and golden output.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import {
  kubeletRequest,
  serviceAccountToken,
  type StandInSecret,
  startApiStandIn,
} from "../support/api_stand_in.ts";
import { type Scenario, scenario } from "../support/provider_scenario.ts";
import { nodeLayout, runProvider } from "../support/node_layout.ts";
import { withTempDir } from "../support/temp_tree.ts";
import {
  FILE,
  IMAGE,
  MIRRORED,
  MY_SECRET,
  RESPONSE,
  RESPONSE_WITHOUT_TOKEN,
  responseFor,
  TOKEN,
  W03,
} from "../support/provider_fixtures.ts";

Deno.test("provider writes the auth file and answers (happy path, S1)", async () => {
  const result = await scenario({});
  assertEquals([result.code, result.stdout, result.stderr], [0, RESPONSE, ""]);
  assertEquals(result.written, W03);
  assertEquals(result.leftovers, []);
});

Deno.test("provider writes a private file into a private directory", () =>
  withTempDir(async (root) => {
    const node = await nodeLayout(root, { "etc/containers/registries.conf": MIRRORED });
    const api = startApiStandIn({ token: TOKEN, secrets: [MY_SECRET] });
    try {
      await runProvider(node, kubeletRequest(IMAGE, TOKEN), { args: [`--api-server=${api.url}`] });
    } finally {
      await api.close();
    }
    assertEquals((await Deno.stat(node.paths.authDir)).mode! & 0o777, 0o700);
    assertEquals((await Deno.stat(`${node.paths.authDir}/${FILE}`)).mode! & 0o777, 0o600);
  }));

Deno.test("provider answers without a file or API call when nothing needs one", async (t) => {
  const rows: readonly [string, Scenario, string][] = [
    ["no mirror", {
      files: { "etc/containers/registries.conf": '[[registry]]\nlocation = "docker.io"\n' },
    }, RESPONSE],
    ["no registries configuration at all", {
      before: (node) => Deno.remove(node.paths.registriesConf),
    }, RESPONSE],
    ["no token (static pods, requireServiceAccount: false)", {
      stdin: kubeletRequest(IMAGE),
    }, RESPONSE_WITHOUT_TOKEN],
    ["an image without a registries table", {
      stdin: kubeletRequest("quay.io/a/b", TOKEN),
    }, responseFor("quay.io/a/b")],
  ];
  for (const [name, options, response] of rows) {
    await t.step(`provider with ${name}`, async () => {
      const result = await scenario(options);
      assertEquals([result.code, result.stdout, result.stderr], [0, response, ""]);
      assertEquals([result.written, result.requests], [undefined, 0]);
    });
  }
});

Deno.test("provider treats a 403 as no namespace secrets, with one warning", async () => {
  const result = await scenario({ api: { statuses: [403, 403, 403] } });
  assertEquals([result.code, result.stdout, result.written], [0, RESPONSE, undefined]);
  assertEquals(
    result.stderr,
    'Not allowed to list secrets in namespace "default" (HTTP 403: forced 403): grant the pod\'s service account "get" and "list" on secrets, or name its pull secrets in the annotation crio-credential-provider.cri-o.io/pull-secrets; will not write any auth file\n',
  );
});

Deno.test("provider fails with one line and writes nothing on bad input", async (t) => {
  const rows: readonly [string, string, string][] = [
    [
      "malformed stdin",
      "{not json",
      "Failed to run credential provider: unable to parse credential provider request from stdin: invalid JSON: ",
    ],
    [
      "a wrong kind",
      '{"kind":"Pod","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"docker.io/library/nginx"}',
      "Failed to run credential provider: unable to parse credential provider request from stdin: kind: ",
    ],
    [
      "a bad namespace",
      kubeletRequest(IMAGE, serviceAccountToken("../../etc/shadow")),
      'Failed to run credential provider: unable to extract namespace: invalid namespace "../../etc/shadow"',
    ],
  ];
  for (const [name, stdin, message] of rows) {
    await t.step(`provider rejects ${name}`, async () => {
      const result = await scenario({ stdin });
      assertEquals([result.code, result.stdout, result.written, result.requests], [
        1,
        "",
        undefined,
        0,
      ]);
      assertEquals(result.stderr.split("\n").length, 2, result.stderr);
      assert.ok(result.stderr.startsWith(message), result.stderr);
    });
  }
});

Deno.test("provider refuses an API server it cannot verify, before sending the token", async () => {
  const result = await scenario({
    // The node's CA file now holds an unrelated CA.
    before: async (node) =>
      await Deno.copyFile(
        new URL("../testdata/tls/other-ca.pem", import.meta.url),
        node.paths.caFile,
      ),
  });
  assertEquals([result.code, result.stdout, result.written, result.requests], [
    1,
    "",
    undefined,
    0,
  ]);
  assert.match(
    result.stderr,
    /^Failed to run credential provider: unable to get secrets: Cannot reach the API server "https:\/\/127\.0\.0\.1:\d+": .*invalid peer certificate: UnknownIssuer\n$/,
  );
});

Deno.test("provider gives up at the deadline and removes a stale file", async () => {
  const result = await scenario({
    api: { delayMs: 2500 },
    args: ["--timeout=1"],
    before: async (node) => {
      await Deno.mkdir(node.paths.authDir, { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(`${node.paths.authDir}/${FILE}`, "stale");
    },
  });
  assertEquals([result.code, result.stdout, result.written], [1, "", undefined]);
  assert.match(
    result.stderr,
    /^Failed to run credential provider: unable to get secrets: the run's deadline passed\n$/,
  );
});

Deno.test("provider gives up at the deadline when kubelet's request never ends", () =>
  withTempDir(async (root) => {
    const node = await nodeLayout(root, { "etc/containers/registries.conf": MIRRORED });
    const result = await runProvider(node, '{"kind":"CredentialProviderRequest",', {
      args: ["--timeout=0.5"],
      keepStdinOpen: true,
    });
    assertEquals(result, {
      code: 1,
      stdout: "",
      stderr:
        "Failed to run credential provider: unable to parse credential provider request from stdin: the run's deadline passed\n",
    });
  }));

Deno.test("provider removes a stale file when nothing applies any more", async () => {
  const result = await scenario({
    api: { secrets: [] },
    before: async (node) => {
      await Deno.mkdir(node.paths.authDir, { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(`${node.paths.authDir}/${FILE}`, W03);
    },
  });
  assertEquals([result.code, result.stdout, result.written], [0, RESPONSE, undefined]);
});

function dockerConfig(name: string, auths: Record<string, unknown>): StandInSecret {
  return {
    name,
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": JSON.stringify({ auths }) },
  };
}

Deno.test("provider merges credentials as kubelet and containers/image read them", async (t) => {
  const rows: readonly [string, StandInSecret[], Record<string, unknown>][] = [
    ["duplicate secrets: the first by name wins", [
      dockerConfig("b-second", { "localhost:5000": { auth: "c2Vjb25kOjI=" } }),
      dockerConfig("a-first", { "localhost:5000": { auth: "Zmlyc3Q6MQ==" } }),
    ], { "localhost:5000": { auth: "Zmlyc3Q6MQ==" } }],
    ["the legacy Docker Hub key", [
      dockerConfig("hub", { "https://index.docker.io/v1/": { auth: "aHViOmg=" } }),
    ], {
      "docker.io": { auth: "aHViOmg=" },
    }],
    ["an entry with username and password only", [
      dockerConfig("up", { "localhost:5000": { username: "u", password: "p" } }),
    ], {
      "localhost:5000": { auth: "dTpw" },
    }],
    ["an identity token", [
      dockerConfig("tok", { "localhost:5000": { auth: "dTo=", identitytoken: "refresh" } }),
    ], {
      "localhost:5000": { auth: "dTo=", identitytoken: "refresh" },
    }],
    ["a dockercfg secret", [{
      name: "cfg",
      type: "kubernetes.io/dockercfg",
      data: { ".dockercfg": '{"localhost:5000":{"auth":"dTpw"}}' },
    }], {
      "localhost:5000": { auth: "dTpw" },
    }],
    ["a podman auth.json secret", [{
      name: "pod",
      type: "kubernetes.io/podmanconfigjson",
      data: { "auth.json": '{"auths":{"localhost:5000":{"auth":"dTpw"}}}' },
    }], {
      "localhost:5000": { auth: "dTpw" },
    }],
  ];
  for (const [name, secrets, auths] of rows) {
    await t.step(`provider merges ${name}`, async () => {
      const result = await scenario({ api: { secrets } });
      assertEquals([result.code, result.stdout, result.stderr], [0, RESPONSE, ""]);
      assertEquals(JSON.parse(result.written ?? "null"), { auths });
    });
  }
});

Deno.test("provider keeps the global auth file's entries under the namespace's", async () => {
  const result = await scenario({
    files: {
      "var/lib/kubelet/config.json":
        '{"auths":{"localhost:5000":{"auth":"Zzpn"},"quay.io":{"auth":"cTpx"}}}',
    },
  });
  assertEquals(JSON.parse(result.written!), {
    auths: { "localhost:5000": { auth: "bXl1c2VyOm15cGFzc3dvcmQ=" }, "quay.io": { auth: "cTpx" } },
  });
});

Deno.test("provider prints version information", async (t) => {
  await t.step("provider --version", () =>
    withTempDir(async (root) => {
      const result = await runProvider(await nodeLayout(root), "", { args: ["--version"] });
      assertEquals(result.code, 0);
      assert.match(result.stdout, /^Version: +\d+\.\d+\.\d+\nGitCommit: /);
      assert.match(result.stdout, /\nDenoVersion: +2\.\d+\.\d+\n/);
      // Upstream's bytes: the last dependency line has no newline.
      assert.match(result.stdout, /\nDependencies:(?:\n {2}\S[^\n]*)+$/);
    }));
  await t.step("provider -version-json", () =>
    withTempDir(async (root) => {
      const result = await runProvider(await nodeLayout(root), "", { args: ["-version-json"] });
      assertEquals(result.code, 0);
      const info = JSON.parse(result.stdout);
      assertEquals(typeof info.version, "string");
      assertEquals(Array.isArray(info.dependencies), true);
      assertEquals(result.stdout, JSON.stringify(info, null, 2)); // W06: no trailing newline
    }));
});

Deno.test("provider exits 2 with usage on unknown flags", () =>
  withTempDir(async (root) => {
    const result = await runProvider(await nodeLayout(root), "", { args: ["--bogus"] });
    assertEquals([result.code, result.stdout], [2, ""]);
    assert.ok(result.stderr.startsWith("Unknown option '--bogus'"), result.stderr);
    assert.ok(result.stderr.includes("Usage: crio-credential-provider"), result.stderr);
  }));
