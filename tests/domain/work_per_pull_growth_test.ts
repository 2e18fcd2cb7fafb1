/**
 * The work of one pull grows linearly with what the node and the namespace
 * hold: registries tables, pull secrets, keys per secret, global auth
 * entries. Counted in operations (`countWork`), not time: doubling the input
 * must not more than double the work (plus a margin for fixed costs); a loop
 * over the input inside another would quadruple it.
 */

import assert from "node:assert/strict";
import { encodeAuthFile } from "../../domain/credentials/auth_file_json.ts";
import { mergeAuths } from "../../domain/credentials/auth_merge.ts";
import { credentialTargets } from "../../domain/credentials/credential_targets.ts";
import { parseDockerConfig } from "../../domain/credentials/docker_config.ts";
import type { PullSecret } from "../../domain/ports.ts";
import { parseNormalizedReference } from "../../domain/registries/image_reference.ts";
import { pullSources } from "../../domain/registries/pull_sources.ts";
import { loadRegistriesConf } from "../../domain/registries/registries_conf.ts";
import { countWork } from "../support/work_counter.ts";

const IMAGE = "docker.io/library/nginx";
const MIRRORED =
  '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "mirror.example:5000"\n';
const silent = { log() {} };

function tables(n: number, host: (i: number) => string): string {
  let text = "";
  for (let i = 0; i < n; i++) {
    text += `[[registry]]\nlocation = "${host(i)}"\ninsecure = ${i % 2 === 0}\n` +
      `[[registry.mirror]]\nlocation = "m-${host(i)}"\n`;
  }
  return text;
}

function auths(n: number, host: (i: number) => string): string {
  const entries = Array.from({ length: n }, (_, i) => `"${host(i)}":{"auth":"dTpw"}`);
  return `{"auths":{${entries.join(",")}}}`;
}

function secret(name: string, config: string): PullSecret {
  return { name, type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": config } };
}

/** Tables with one location behind many prefixes, which must agree on their settings. */
function twins(n: number): string {
  let text = "";
  for (let i = 0; i < n; i++) {
    text += `[[registry]]\nprefix = "t${i}.example/x"\nlocation = "same.example"\n`;
  }
  return text;
}

function pull(
  options: Record<"tables" | "twins" | "dropIns" | "secrets" | "keys" | "global", number>,
) {
  const conf = loadRegistriesConf({
    main: {
      path: "/etc/containers/registries.conf",
      text: tables(options.tables, (i) => `r${i}.example`) + twins(options.twins) + MIRRORED,
    },
    dropIns: Array.from({ length: options.dropIns }, (_, d) => ({
      path: `/etc/containers/registries.conf.d/${d}.conf`,
      // Each drop-in replaces a table of the main file and adds its own.
      text: tables(2, (i) => (i === 0 ? `r${d}.example` : `d${d}.example`)),
    })),
  });
  const targets = credentialTargets(conf, IMAGE);
  pullSources(conf, parseNormalizedReference(`${IMAGE}:latest`));
  const secrets = Array.from(
    { length: options.secrets },
    (_, i) =>
      secret(
        `s${String(i).padStart(6, "0")}`,
        auths(options.keys, (k) => k === 0 ? "mirror.example:5000" : `k${i}-${k}.example`),
      ),
  );
  const global = parseDockerConfig(auths(options.global, (i) => `g${i}.example`), {
    legacy: false,
    credHelpers: true,
  });
  const merged = mergeAuths({ image: IMAGE, targets: targets.targets, secrets, global }, silent);
  encodeAuthFile(merged.entries, { credHelpers: merged.credHelpers });
}

Deno.test("the work of one pull grows linearly", async (t) => {
  const base = { tables: 1, twins: 1, dropIns: 1, secrets: 1, keys: 1, global: 1 };
  for (const dimension of ["tables", "twins", "dropIns", "secrets", "keys", "global"] as const) {
    await t.step(`the work of one pull grows linearly in ${dimension}`, () => {
      const work = (n: number) => countWork(() => pull({ ...base, [dimension]: n }));
      const [small, large] = [work(1000), work(2000)];
      // Linear: about 2×; quadratic: about 4×.
      assert.ok(
        large / small < 2.5,
        `${dimension}: ${small} → ${large} (${(large / small).toFixed(2)}×)`,
      );
    });
  }
});
