/**
 * What mergeAuths() may say about a key, at any level: a key that names one of
 * the image's registries (a host of registries.conf), credentials before an
 * `@` redacted; any other key by its length only, since a damaged document may
 * glue a password to a host and still look like a name.
 */

import assert from "node:assert/strict";
import { mergeAuths } from "../../../domain/credentials/auth_merge.ts";
import { credentialTargets } from "../../../domain/credentials/credential_targets.ts";
import { parseDockerConfig } from "../../../domain/credentials/docker_config.ts";
import type { LogLevel } from "../../../domain/ports.ts";
import { loadRegistriesConf } from "../../../domain/registries/registries_conf.ts";

const CONF =
  '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "mirror.example:5000"\n';
const PASSWORD = "UlLmWAjKKqVZQfmB0gJjBFKB";

function logsOf(keys: readonly string[]): string[] {
  const conf = loadRegistriesConf({ main: { path: "r.conf", text: CONF }, dropIns: [] });
  const auths = Object.fromEntries(keys.map((key) => [key, { auth: "dTpw" }]));
  const logs: [LogLevel, string][] = [];
  mergeAuths({
    image: "docker.io/library/nginx",
    targets: credentialTargets(conf, "docker.io/library/nginx").targets,
    secrets: [{
      name: "s",
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": JSON.stringify({ auths }) },
    }],
    global: parseDockerConfig(JSON.stringify({ auths: { [`g${PASSWORD}host`]: {} } }), {
      legacy: false,
    }),
  }, { log: (level, message) => logs.push([level, message]) });
  return logs.map(([level, message]) => `${level}: ${message}`);
}

Deno.test("mergeAuths() never logs a key that may hold a password", async (t) => {
  const rows: readonly [string, string][] = [
    ["a password glued to a host", `https://user1e999${PASSWORD}mirror.example:5000`],
    ["a password as a host", `${PASSWORD}:5000`],
    ["a password before an @", `https://user:${PASSWORD}@mirror.example:5000`],
  ];
  for (const [name, key] of rows) {
    await t.step(`mergeAuths() with ${name}`, () => {
      const logs = logsOf([key]);
      for (let at = 0; at + 6 <= PASSWORD.length; at++) {
        const piece = PASSWORD.slice(at, at + 6);
        assert.ok(!logs.some((line) => line.includes(piece)), `${piece} in:\n${logs.join("\n")}`);
      }
    });
  }
  await t.step("mergeAuths() with a key of the mirror: named", () => {
    assert.ok(
      logsOf(["https://mirror.example:5000"]).includes(
        'info: Found docker config JSON auth in secret "s" for "https://mirror.example:5000"',
      ),
    );
  });
});
