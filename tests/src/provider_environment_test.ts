/**
 * What kubelet's environment and the provider's flags may and may not change,
 * through the real entry point with the binary's permissions: Deno's TLS
 * variables never widen trust or reveal session keys, flags are checked
 * before any pull (Go's boolean forms accepted, as upstream's flag package
 * does), and nothing the API server echoes back quotes the token.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { FILE, RESPONSE, TOKEN, W03 } from "../support/provider_fixtures.ts";
import type { NodeLayout } from "../support/node_layout.ts";
import { scenario } from "../support/provider_scenario.ts";

async function stale(node: NodeLayout): Promise<void> {
  await Deno.mkdir(node.paths.authDir, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(`${node.paths.authDir}/${FILE}`, W03);
}

/** A `Status` answer whose message quotes the request's token, as a careless proxy might. */
function echoing(status: number) {
  return (request: Request) =>
    Response.json({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      message: `token ${request.headers.get("authorization")} and its signature ${
        TOKEN.split(".")[2]
      } are not welcome`,
      code: status,
    }, { status });
}

Deno.test("provider ignores Deno's TLS trust variables in kubelet's environment", async (t) => {
  const rows: readonly [string, string][] = [
    ["DENO_CERT", "/nonexistent/extra-roots.pem"],
    ["DENO_TLS_CA_STORE", "system,unknown-store"],
  ];
  for (const [name, value] of rows) {
    await t.step(`provider with ${name}=${value}`, async () => {
      const result = await scenario({ env: { [name]: value } });
      assertEquals([result.code, result.stdout, result.written], [0, RESPONSE, W03]);
      assert.match(result.stderr, new RegExp(`^Ignoring ${name} from the environment`));
    });
  }
});

Deno.test("provider never reaches the API server when TLS session keys would be logged", async (t) => {
  const env = { SSLKEYLOGFILE: "/tmp/ccp-keys-never-written.log" };
  await t.step("provider with a pull that needs the API server fails closed", async () => {
    const result = await scenario({ env, before: stale });
    assertEquals([result.code, result.stdout, result.requests, result.written], [
      1,
      "",
      0,
      undefined,
    ]);
    assert.match(
      result.stderr,
      /^Failed to run credential provider: unable to get secrets: Refusing to reach the API server with SSLKEYLOGFILE set: /,
    );
  });
  await t.step("provider with a pull that needs no API server answers", async () => {
    const result = await scenario({ env, files: { "etc/containers/registries.conf": "" } });
    assertEquals([result.code, result.stdout, result.requests], [0, RESPONSE, 0]);
  });
});

Deno.test("provider checks its flags before any pull", async (t) => {
  const rows: readonly [string, readonly string[], number, RegExp | undefined][] = [
    ["plain HTTP to a name", ["--api-server=http://localhost:1"], 2, /^--api-server: Refusing/],
    ["a URL that is none", ["--api-server=https://[bad"], 2, /^--api-server: Invalid API/],
    ["a timeout under a millisecond", ["--timeout=0.0001"], 2, /^--timeout must be/],
    ["a boolean Go refuses", ["--insecure-skip-tls-verify=yes"], 2, /^Invalid boolean value "yes"/],
    ["Go's -flag=false", ["-insecure-skip-tls-verify=false"], 0, undefined],
    [
      "Go's --flag=0 after --flag",
      ["--require-secret-annotation", "--require-secret-annotation=0"],
      0,
      undefined,
    ],
  ];
  for (const [name, args, code, stderr] of rows) {
    await t.step(`provider with ${name}`, async () => {
      const result = await scenario({ args, before: stale });
      assertEquals(result.code, code, result.stderr);
      if (stderr === undefined) {
        assertEquals([result.stdout, result.written], [RESPONSE, W03]);
      } else {
        // Refused before the run, the pull's older file is removed all the same.
        assertEquals([result.stdout, result.requests, result.written], ["", 0, undefined]);
        assert.match(result.stderr, stderr);
      }
    });
  }
  await t.step("provider with Go's --flag=true", async () => {
    const result = await scenario({ args: ["--require-secret-annotation=true"] });
    // Listing is refused, and the service account names no secrets: nothing is written.
    assertEquals([result.code, result.stdout, result.written], [0, RESPONSE, undefined]);
    assert.match(result.stderr, /listing secrets is refused \(--require-secret-annotation\)/);
  });
});

Deno.test("provider never quotes the token an API server echoes back", async (t) => {
  for (const status of [403, 500]) {
    await t.step(`provider with HTTP ${status} quoting the token`, async () => {
      const result = await scenario({ api: { override: echoing(status) }, before: stale });
      assertEquals([result.code, result.written], [status === 403 ? 0 : 1, undefined]);
      assert.match(result.stderr, /token Bearer REDACTED and its signature REDACTED/);
      for (const part of [TOKEN, ...TOKEN.split(".").filter((p) => p.length >= 8)]) {
        assert.ok(!result.stderr.includes(part), result.stderr);
      }
    });
  }
});
