/**
 * A busy node: many provider runs at once, for one image and for many, while
 * a consumer takes each auth file away the moment it appears, as CRI-O does.
 * Every file consumed must parse and hold the expected entry, every run must
 * succeed, and no temporary file may remain. Started by tests/e2e_test.ts.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { kubeletRequest, serviceAccountToken, startApiStandIn } from "../support/api_stand_in.ts";
import { nodeLayout, runProvider } from "../support/node_layout.ts";
import { responseFor } from "../support/provider_fixtures.ts";
import { withTempDir } from "../support/temp_tree.ts";

const TOKEN = serviceAccountToken("default");
const RUNS = 50;
const EXPECTED = { auths: { "127.0.0.1:5000": { auth: "dTpw" } } };

/** Renames every finished auth file into in-use/ and parses it, until stopped. */
function consumer(authDir: string) {
  const consumed: { name: string; content: unknown }[] = [];
  const problems: string[] = [];
  let running = true;
  const sweep = async () => {
    let entries: Deno.DirEntry[] = [];
    try {
      entries = await Array.fromAsync(Deno.readDir(authDir));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    for (const entry of entries) {
      if (!/^default-[0-9a-f]{64}\.json$/.test(entry.name)) continue;
      const inUse = `${authDir}/in-use/${entry.name.slice(0, -5)}-${crypto.randomUUID()}.json`;
      try {
        await Deno.rename(`${authDir}/${entry.name}`, inUse);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) continue;
        throw error;
      }
      const text = await Deno.readTextFile(inUse);
      try {
        consumed.push({ name: entry.name, content: JSON.parse(text) });
      } catch {
        problems.push(`${entry.name} did not parse: ${JSON.stringify(text)}`);
      }
      await Deno.remove(inUse);
    }
  };
  const done = (async () => {
    await Deno.mkdir(`${authDir}/in-use`, { recursive: true, mode: 0o700 });
    while (running) await sweep();
    await sweep();
  })();
  return {
    consumed,
    problems,
    async stop() {
      running = false;
      await done;
    },
  };
}

Deno.test({
  name: "concurrent provider runs while CRI-O consumes the files",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const api = startApiStandIn({
      token: TOKEN,
      secrets: [{
        name: "s",
        type: "kubernetes.io/dockerconfigjson",
        data: {
          ".dockerconfigjson": JSON.stringify({ auths: { "127.0.0.1:5000": { auth: "dTpw" } } }),
        },
      }],
    });
    try {
      const rows: readonly [string, (i: number) => string, number][] = [
        [`${RUNS} runs for one namespace and image`, () => "docker.io/library/nginx", 1],
        [`${RUNS} runs for different images`, (i) => `docker.io/library/app-${i}`, RUNS],
      ];
      for (const [name, imageOf, distinctFiles] of rows) {
        await t.step(name, () =>
          withTempDir(async (dir) => {
            const node = await nodeLayout(dir, {
              "etc/containers/registries.conf":
                '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "127.0.0.1:5000"\n',
            });
            const consuming = consumer(node.paths.authDir);
            const results = await Promise.all(
              Array.from({ length: RUNS }, (_, i) =>
                runProvider(node, kubeletRequest(imageOf(i), TOKEN), {
                  args: [`--api-server=${api.url}`],
                })),
            );
            await consuming.stop();
            assertEquals(
              results.filter((r, i) =>
                r.code !== 0 || r.stdout !== responseFor(imageOf(i)) || r.stderr !== ""
              ),
              [],
            );
            assertEquals(consuming.problems, []);
            assert.ok(
              consuming.consumed.length >= distinctFiles,
              `${consuming.consumed.length} files consumed`,
            );
            assertEquals(
              new Set(consuming.consumed.map((c) =>
                c.name
              )).size,
              distinctFiles,
            );
            for (const file of consuming.consumed) assertEquals(file.content, EXPECTED, file.name);
            // Nothing is left: no temporary file, no unconsumed file, an empty in-use directory.
            assertEquals(await Array.fromAsync(Deno.readDir(node.paths.authDir), (e) => e.name), [
              "in-use",
            ]);
            assertEquals(await Array.fromAsync(Deno.readDir(`${node.paths.authDir}/in-use`)), []);
          }));
      }
    } finally {
      await api.close();
    }
  },
});
