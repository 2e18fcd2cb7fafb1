/**
 * The field-hardening promises, each through the real entry point with the
 * binary's permissions: only the configured API server is a source of
 * credentials, every failure fails closed, logging never blocks or leaks,
 * secrets are read as kubelet reads them, and the global file's credential
 * helpers survive the merge.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import {
  kubeletRequest,
  serviceAccountToken,
  type StandInSecret,
  startApiStandIn,
} from "../support/api_stand_in.ts";
import { startConnectProxy } from "../support/connect_proxy.ts";
import { FILE, IMAGE, RESPONSE, W03 } from "../support/provider_fixtures.ts";
import { scenario } from "../support/provider_scenario.ts";
import type { NodeLayout } from "../support/node_layout.ts";

const MIRRORS =
  '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "mirror.example:5000"\n' +
  '[[registry.mirror]]\nlocation = "mirror-a.example:5000"\n[[registry.mirror]]\nlocation = "mirror-b.example:5000"\n';

function dockerConfigSecret(name: string, config: string): StandInSecret {
  return { name, type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": config } };
}

async function stale(node: NodeLayout): Promise<void> {
  await Deno.mkdir(node.paths.authDir, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(`${node.paths.authDir}/${FILE}`, W03);
}

Deno.test("provider trusts only the configured API server", async (t) => {
  await t.step(
    "provider refuses a redirect to another origin that serves credentials",
    async () => {
      const elsewhere = startApiStandIn({
        token: "not checked",
        plainHttp: true,
        override: () =>
          Response.json({
            kind: "SecretList",
            items: [{
              metadata: { name: "evil" },
              type: "kubernetes.io/dockerconfigjson",
              data: {
                ".dockerconfigjson": btoa('{"auths":{"localhost:5000":{"auth":"ZXZpbDpldmls"}}}'),
              },
            }],
          }),
      });
      try {
        const result = await scenario({
          api: {
            override: (request) =>
              new Response(null, {
                status: 307,
                headers: { location: `${elsewhere.url}${new URL(request.url).pathname}` },
              }),
          },
          before: stale,
        });
        assertEquals([result.code, result.stdout, result.written], [1, "", undefined]);
        assert.match(result.stderr, /HTTP 307 .*redirects are not followed/);
        assertEquals(elsewhere.requests.length, 0);
      } finally {
        await elsewhere.close();
      }
    },
  );
  for (const noProxy of ["*", undefined]) {
    await t.step(
      `provider never sends the token to a proxy for a loopback server (NO_PROXY=${noProxy})`,
      async () => {
        const proxy = startConnectProxy();
        try {
          const result = await scenario({
            api: { plainHttp: true },
            env: {
              HTTP_PROXY: proxy.url,
              HTTPS_PROXY: proxy.url,
              ...(noProxy === undefined ? {} : { NO_PROXY: noProxy }),
            },
          });
          assertEquals([result.code, result.stdout, result.written], [0, RESPONSE, W03]);
          assertEquals(proxy.heads, []);
        } finally {
          proxy.close();
        }
      },
    );
  }
  await t.step("provider stops reading an endless answer and fails closed", async () => {
    const result = await scenario({
      api: {
        override: () =>
          new Response(
            new ReadableStream({
              pull: (controller) => controller.enqueue(new Uint8Array(256 * 1024).fill(32)),
            }),
            { headers: { "content-type": "application/json" } },
          ),
      },
      before: stale,
    });
    assertEquals([result.code, result.stdout, result.written], [1, "", undefined]);
    // One answer may take the run's whole budget; three read at once may spend it first.
    assert.match(
      result.stderr,
      /Cannot read the answer of the API server "[^"]+": the answers? (?:is|are) larger than 67108864 bytes(?: together)?\n$/,
    );
  });
  await t.step("provider names itself to the API server", async () => {
    const result = await scenario({});
    assertEquals(result.code, 0);
    for (const request of result.recorded) {
      assert.match(
        request.userAgent ?? "",
        /^crio-credential-provider\/\d+\.\d+\.\d+ \(linux\/\w+\)$/,
      );
    }
  });
});

Deno.test("provider fails closed on every path once the request is read", async (t) => {
  await t.step("provider with registries.conf a directory", async () => {
    const result = await scenario({
      before: async (node) => {
        await stale(node);
        await Deno.remove(node.paths.registriesConf);
        await Deno.mkdir(node.paths.registriesConf);
      },
    });
    assertEquals([result.code, result.stdout, result.written, result.requests], [
      1,
      "",
      undefined,
      0,
    ]);
    assert.match(
      result.stderr,
      /^Failed to run credential provider: unable to match mirrors: loading registries configuration: Cannot read registries configuration ".*\/registries\.conf": not a regular file\n$/,
    );
  });
  await t.step("provider with the global auth file a FIFO (--timeout 3)", async () => {
    const result = await scenario({
      args: ["--timeout=3"],
      before: async (node) => {
        await stale(node);
        await Deno.mkdir(node.paths.globalAuthFile.replace(/\/[^/]+$/, ""), { recursive: true });
        await new Deno.Command("mkfifo", { args: [node.paths.globalAuthFile] }).output();
      },
    });
    assertEquals([result.code, result.stdout, result.written, result.leftovers], [
      1,
      "",
      undefined,
      [],
    ]);
    assert.match(
      result.stderr,
      /unable to read global auth file: Cannot read global auth file ".*config\.json": not a regular file\n$/,
    );
  });
  await t.step("provider with a token the API server does not accept (401)", async () => {
    const token = serviceAccountToken("default", {
      aud: ["https://wrong.example"],
      exp: 1700000000,
    });
    const result = await scenario({ stdin: kubeletRequest(IMAGE, token), before: stale });
    assertEquals([result.code, result.stdout, result.written], [1, "", undefined]);
    assertEquals(
      result.stderr,
      'Failed to run credential provider: unable to get secrets: the API server did not accept the service account token (HTTP 401: Unauthorized); the token has audience "https://wrong.example", expired at 2023-11-14T22:13:20.000Z: check that tokenAttributes.serviceAccountTokenAudience in kubelet\'s credential provider config is an audience the API server accepts (its --api-audiences), and that the token is still valid\n',
    );
  });
  await t.step("provider with a timeout no timer can hold", async () => {
    const result = await scenario({ args: ["--timeout=2147484"], before: stale });
    assertEquals([result.code, result.stdout], [2, ""]);
    assert.ok(result.stderr.startsWith("--timeout must be a number of seconds"), result.stderr);
  });
});

Deno.test("provider answers and exits in time when journald does not read its socket", async () => {
  const started = performance.now();
  const result = await scenario({
    args: ["--timeout=2"],
    before: (node) => {
      // Accepts datagrams and never reads them: after a few, every send blocks.
      Deno.listenDatagram({ transport: "unixpacket", path: node.paths.journalSocket });
      return Promise.resolve();
    },
  });
  const seconds = (performance.now() - started) / 1000;
  assertEquals([result.code, result.stdout, result.written], [0, RESPONSE, W03]);
  assert.match(result.stderr, /^Dropped \d+ of \d+ journal records/);
  // Not a speed check: without the bound the run waits for kubelet to kill it at 60 s.
  assert.ok(seconds < 2 + 1 + 2, `took ${seconds} s`);
});

Deno.test("provider never logs a secret's bytes, even when it cannot parse the secret", async () => {
  const result = await scenario({
    files: { "etc/containers/registries.conf": MIRRORS },
    journal: true,
    args: ["--log-level=debug"],
    api: {
      secrets: [
        dockerConfigSecret(
          "broken",
          '{"auths":{"mirror.example:5000":{"username":"bob","password":hunter2}}}',
        ),
      ],
    },
  });
  assertEquals(result.code, 0);
  const everything = [result.stderr, ...result.journal.map((e) => e.MESSAGE ?? "")].join("\n");
  assert.ok(everything.includes("Skipped pull secrets that cannot be read"), everything);
  assert.ok(!everything.includes("hunter2"), everything);
});

Deno.test("provider reads pull secrets as kubelet does", async (t) => {
  const rows: readonly [string, string, Record<string, unknown>][] = [
    ["an auth without padding", '{"auths":{"mirror.example:5000":{"auth":"dXNlcjpwdw"}}}', {
      "mirror.example:5000": { auth: "dXNlcjpwdw==" },
    }],
    [
      "capitalised field names",
      '{"auths":{"mirror.example:5000":{"Username":"user","Password":"pw"}}}',
      {
        "mirror.example:5000": { auth: "dXNlcjpwdw==" },
      },
    ],
    ["an auth with line breaks", '{"auths":{"mirror.example:5000":{"auth":"dXNl\\ncjpwdw=="}}}', {
      "mirror.example:5000": { auth: "dXNlcjpwdw==" },
    }],
    [
      "a null beside a value",
      '{"auths":{"mirror.example:5000":{"username":"user","Username":null,"password":"pw"}},"HttpHeaders":null}',
      {
        "mirror.example:5000": { auth: "dXNlcjpwdw==" },
      },
    ],
  ];
  for (const [name, config, auths] of rows) {
    await t.step(`provider writes ${name}`, async () => {
      const result = await scenario({
        files: { "etc/containers/registries.conf": MIRRORS },
        api: { secrets: [dockerConfigSecret("s", config)] },
      });
      assertEquals([result.code, result.stdout, result.stderr], [0, RESPONSE, ""]);
      assertEquals(JSON.parse(result.written ?? "null"), { auths });
    });
  }
});

Deno.test("provider keeps the global file's credential helpers", async () => {
  const result = await scenario({
    files: {
      "etc/containers/registries.conf": MIRRORS,
      "var/lib/kubelet/config.json":
        '{"auths":{},"credHelpers":{"mirror-b.example:5000":"examplehelper"}}',
    },
    api: {
      secrets: [
        dockerConfigSecret("s", '{"auths":{"mirror-a.example:5000":{"auth":"dXNlcjpwdw=="}}}'),
      ],
    },
  });
  assertEquals([result.code, result.stderr], [0, ""]);
  assertEquals(JSON.parse(result.written ?? "null"), {
    auths: { "mirror-a.example:5000": { auth: "dXNlcjpwdw==" } },
    credHelpers: { "mirror-b.example:5000": "examplehelper" },
  });
});

Deno.test("provider logs a bounded number of journal records at scale", async () => {
  const secrets = Array.from({ length: 5000 }, (_, i) =>
    dockerConfigSecret(
      `s${String(i).padStart(4, "0")}`,
      `{"auths":{"other-${i}.example":{"auth":"dXNlcjpwdw=="}}}`,
    ));
  const tables = Array.from(
    { length: 5000 },
    (_, i) =>
      `[[registry]]\nlocation = "r${i}.example"\n[[registry.mirror]]\nlocation = "m${i}.example"\n`,
  ).join("");
  const global = JSON.stringify({
    auths: Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [`g${i}.example`, { auth: "Zzpn" }]),
    ),
  });
  const result = await scenario({
    journal: true,
    files: {
      "etc/containers/registries.conf": MIRRORS + tables,
      "var/lib/kubelet/config.json": global,
    },
    api: {
      secrets: [
        ...secrets,
        dockerConfigSecret("zz-used", '{"auths":{"mirror.example:5000":{"auth":"dXNlcjpwdw=="}}}'),
      ],
    },
  });
  assertEquals(result.code, 0);
  // Upstream's lines for the secret that is used, plus the fixed steps: not one per secret.
  assert.ok(result.journal.length <= 20, `${result.journal.length} records`);
  assertEquals(typeof result.written, "string");
});
