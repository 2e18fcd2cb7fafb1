/**
 * Least privilege through the real entry point: a service account that names
 * its pull secrets in an annotation gets them with `get` only (the stand-in
 * enforces a Role with `resourceNames`, and forbids every list), a secret it
 * does not name is never requested, and an operator can refuse list mode.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { kubeletRequest, type StandInSecret } from "../support/api_stand_in.ts";
import { FILE, IMAGE, MY_SECRET, RESPONSE, TOKEN, W03 } from "../support/provider_fixtures.ts";
import { scenario } from "../support/provider_scenario.ts";

const ANNOTATION = "crio-credential-provider.cri-o.io/pull-secrets";
const OTHER: StandInSecret = { ...MY_SECRET, name: "unrelated" };

function annotated(value: string): string {
  return kubeletRequest(IMAGE, TOKEN, { annotations: { [ANNOTATION]: value } });
}

Deno.test("provider reads only the secrets the service account names, with get", async () => {
  const result = await scenario({
    stdin: annotated("missing, my-secret"),
    api: { secrets: [MY_SECRET, OTHER], getOnly: ["my-secret", "missing"] },
  });
  assertEquals([result.code, result.stdout, result.written], [0, RESPONSE, W03]);
  assertEquals(
    result.stderr,
    'Secret "missing" named by the service account in namespace "default" does not exist\n',
  );
  // Every request named a secret: no list, and nothing the annotation does not name.
  assertEquals(result.recorded.map((r) => r.path).sort(), [
    "/api/v1/namespaces/default/secrets/missing",
    "/api/v1/namespaces/default/secrets/my-secret",
  ]);
});

Deno.test("provider writes nothing for a malformed annotation and removes a stale file", async () => {
  const result = await scenario({
    stdin: annotated("my-secret,,"),
    api: { getOnly: ["my-secret"] },
    before: async (node) => {
      await Deno.mkdir(node.paths.authDir, { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(`${node.paths.authDir}/${FILE}`, W03);
    },
  });
  assertEquals([result.code, result.stdout, result.written, result.requests], [
    0,
    RESPONSE,
    undefined,
    0,
  ]);
  assert.match(
    result.stderr,
    /^Not using the pull secrets named by annotation .*: it has an empty name; will not write any auth file\n$/,
  );
});

Deno.test("provider refuses list mode with --require-secret-annotation", async () => {
  const result = await scenario({ args: ["--require-secret-annotation"] });
  assertEquals([result.code, result.stdout, result.written, result.requests], [
    0,
    RESPONSE,
    undefined,
    0,
  ]);
  assert.ok(result.stderr.includes("listing secrets is refused (--require-secret-annotation)"));
});

Deno.test("provider without the annotation still lists, as before", async () => {
  const result = await scenario({});
  assertEquals([result.code, result.written], [0, W03]);
  assert.ok(result.recorded.every((r) => r.path === "/api/v1/namespaces/default/secrets"));
});
