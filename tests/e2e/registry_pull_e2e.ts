/**
 * End to end, inside a network namespace with only loopback (started by
 * tests/e2e_test.ts; it refuses to run anywhere else): a real registry with
 * htpasswd auth, the provider run as kubelet runs it against the API
 * stand-in, and the auth file consumed the way CRI-O consumes it, by the real
 * containers/image client (skopeo). A failed mirror pull cannot fall back to
 * Docker Hub here, so "pulled" means "pulled through the mirror".
 */

import assert from "node:assert/strict";
import { authFilePath } from "../../domain/credentials/auth_file_path.ts";
import { assertEquals } from "../support/assert.ts";
import {
  kubeletRequest,
  serviceAccountToken,
  type StandInSecret,
  startApiStandIn,
} from "../support/api_stand_in.ts";
import { crioPull, type PullResult } from "../support/crio_pull.ts";
import { nodeLayout, runProvider } from "../support/node_layout.ts";
import { buildTestImage, pushImage, servedManifest, startRegistry } from "../support/registry.ts";
import type { CliResult } from "../support/run_cli.ts";
import { makeTempDir, withTempDir } from "../support/temp_tree.ts";

const interfaces = new Set(Deno.networkInterfaces().map((i) => i.name));
if ([...interfaces].some((name) => name !== "lo")) {
  throw new Error(
    `Refusing to run outside an isolated network namespace (interfaces: ${
      [...interfaces].join(", ")
    })`,
  );
}

const TOKEN = serviceAccountToken("default");
const USERS = { pusher: "push-pass", myuser: "mypassword", globaluser: "global-pass" };
const basic = (user: string, password: string) => btoa(`${user}:${password}`);

/** CRI-O derives the same name from upstream's `auth.FilePath`. */
async function authFileName(image: string): Promise<string> {
  const path = await authFilePath("/", { namespace: "default", image });
  return path.slice(1);
}

function dockerConfigSecret(name: string, auths: Record<string, unknown>): StandInSecret {
  return {
    name,
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": JSON.stringify({ auths }) },
  };
}

interface Scenario {
  readonly conf: string;
  readonly dropIns?: Record<string, string>;
  readonly secrets: readonly StandInSecret[];
  readonly global?: Record<string, unknown>;
  /** The name kubelet sends. */
  readonly kubeletImage: string;
  /** What the pod pulls. */
  readonly pull: string;
}

interface Outcome {
  readonly provider: CliResult;
  /** The file as the provider wrote it, before CRI-O consumed it. */
  readonly written?: Record<string, unknown>;
  readonly pull: PullResult;
  /** Registry log lines written during the scenario. */
  readonly log: string;
  readonly leftovers: string[];
}

const root = await makeTempDir("crio-credential-provider-e2e-");
await Deno.mkdir(`${root}/registry`);
const registry = await startRegistry(`${root}/registry`, USERS);
const HOST = registry.host;
await Deno.mkdir(`${root}/image`);
const image = await buildTestImage(`${root}/image`);
for (const repository of ["library/nginx", "team/nginx", "cache/library/nginx"]) {
  await pushImage(image, {
    reference: `${HOST}/${repository}:latest`,
    credentials: `pusher:${USERS.pusher}`,
  });
}
const MIRRORED =
  `[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "${HOST}"\ninsecure = true\n`;

async function listDir(path: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(path)) names.push(entry.name);
  return names.sort();
}

async function scenario(s: Scenario): Promise<Outcome> {
  return await withTempDir(async (dir) => {
    const files: Record<string, string> = { "etc/containers/registries.conf": s.conf };
    for (const [name, text] of Object.entries(s.dropIns ?? {})) {
      files[`etc/containers/registries.conf.d/${name}`] = text;
    }
    if (s.global) files["var/lib/kubelet/config.json"] = JSON.stringify({ auths: s.global });
    const node = await nodeLayout(`${dir}/node`, files);
    await Deno.mkdir(node.paths.registriesConfDir, { recursive: true });
    const api = startApiStandIn({ token: TOKEN, secrets: [...s.secrets] });
    const logBefore = (await registry.log()).length;
    try {
      const provider = await runProvider(node, kubeletRequest(s.kubeletImage, TOKEN), {
        args: [`--api-server=${api.url}`],
      });
      const name = await authFileName(s.kubeletImage);
      const text = await Deno.readTextFile(`${node.paths.authDir}/${name}`).catch(() => undefined);
      await Deno.mkdir(node.paths.authDir, { recursive: true, mode: 0o700 });
      const pull = await crioPull({
        authDir: node.paths.authDir,
        authFileName: name,
        registriesConf: node.paths.registriesConf,
        registriesConfDir: node.paths.registriesConfDir,
        image: s.pull,
        scratch: `${dir}/scratch`,
      });
      return {
        provider,
        ...(text === undefined ? {} : { written: JSON.parse(text) }),
        pull,
        log: (await registry.log()).slice(logBefore),
        leftovers: [
          ...(await listDir(node.paths.authDir)).filter((n) => n !== "in-use"),
          ...await listDir(`${node.paths.authDir}/in-use`),
        ],
      };
    } finally {
      await api.close();
    }
  });
}

function assertProviderSucceeded(outcome: Outcome): void {
  assertEquals([outcome.provider.code, outcome.provider.stderr], [0, ""]);
  assertEquals(outcome.leftovers, [], "CRI-O's directories are empty after the pull");
}

Deno.test({
  name: "pull through a registry mirror with namespace credentials, as CRI-O does",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const mine = { auth: basic("myuser", USERS.myuser) };
    try {
      await t.step("the namespace's dockerconfigjson secret (upstream's test secret)", async () => {
        const outcome = await scenario({
          conf: MIRRORED,
          secrets: [dockerConfigSecret("my-secret", {
            [`http://${HOST}`]: { username: "myuser", password: USERS.myuser, ...mine },
          })],
          kubeletImage: "docker.io/library/nginx",
          pull: "docker.io/library/nginx:latest",
        });
        assertProviderSucceeded(outcome);
        assertEquals(outcome.written, { auths: { [HOST]: mine } });
        assert.ok(outcome.pull.pulled && outcome.pull.usedAuthFile, outcome.pull.output);
        assert.ok(servedManifest(outcome.log, "library/nginx", "myuser"), outcome.log);
      });

      const negatives: readonly [string, StandInSecret[], boolean][] = [
        ["without a namespaced file the pull fails", [], false],
        ["with a wrong password the pull fails", [
          dockerConfigSecret("wrong", { [HOST]: { auth: basic("myuser", "not-the-password") } }),
        ], true],
        ["a secret for another port (a prefix of the mirror's) gives nothing", [
          dockerConfigSecret("near", { [HOST.slice(0, -1)]: mine }),
        ], false],
      ];
      for (const [name, secrets, fileWritten] of negatives) {
        await t.step(name, async () => {
          const outcome = await scenario({
            conf: MIRRORED,
            secrets,
            kubeletImage: "docker.io/library/nginx",
            pull: "docker.io/library/nginx:latest",
          });
          assertProviderSucceeded(outcome);
          assertEquals(outcome.pull.usedAuthFile, fileWritten);
          assertEquals(outcome.pull.pulled, false, outcome.pull.output);
          assert.match(outcome.pull.output, /unauthorized|authentication required/i);
        });
      }

      await t.step("a [[registry]] whose location rewrites the prefix", async () => {
        const outcome = await scenario({
          conf:
            `[[registry]]\nprefix = "registry.example/team"\nlocation = "${HOST}/team"\ninsecure = true\n`,
          secrets: [dockerConfigSecret("s", { [HOST]: mine })],
          kubeletImage: "registry.example/team/nginx",
          pull: "registry.example/team/nginx:latest",
        });
        assertProviderSucceeded(outcome);
        assert.ok(outcome.pull.pulled, outcome.pull.output);
        assert.ok(servedManifest(outcome.log, "team/nginx", "myuser"), outcome.log);
      });

      await t.step("a mirror with a path and a key for that path", async () => {
        const outcome = await scenario({
          conf:
            `[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "${HOST}/cache"\ninsecure = true\n`,
          secrets: [dockerConfigSecret("s", { [`${HOST}/cache`]: mine })],
          kubeletImage: "docker.io/library/nginx",
          pull: "docker.io/library/nginx:latest",
        });
        assertProviderSucceeded(outcome);
        assertEquals(outcome.written, { auths: { [`${HOST}/cache`]: mine } });
        assert.ok(outcome.pull.pulled, outcome.pull.output);
        assert.ok(servedManifest(outcome.log, "cache/library/nginx", "myuser"), outcome.log);
      });

      const kinds: readonly [string, StandInSecret][] = [
        ["a kubernetes.io/dockercfg secret", {
          name: "legacy",
          type: "kubernetes.io/dockercfg",
          data: { ".dockercfg": JSON.stringify({ [`http://${HOST}`]: mine }) },
        }],
        [
          "an entry with username and password only",
          dockerConfigSecret("plain", {
            [HOST]: { username: "myuser", password: USERS.myuser },
          }),
        ],
      ];
      for (const [name, secret] of kinds) {
        await t.step(name, async () => {
          const outcome = await scenario({
            conf: MIRRORED,
            secrets: [secret],
            kubeletImage: "docker.io/library/nginx",
            pull: "docker.io/library/nginx:latest",
          });
          assertProviderSucceeded(outcome);
          assert.ok(outcome.pull.pulled, outcome.pull.output);
          assert.ok(servedManifest(outcome.log, "library/nginx", "myuser"), outcome.log);
        });
      }

      await t.step("a global auth file entry survives the merge", async () => {
        // The namespace's secret serves the first mirror (which lacks the image); the
        // second mirror is reachable only with the global file's credentials.
        const outcome = await scenario({
          conf: `[[registry]]\nlocation = "docker.io"\n` +
            `[[registry.mirror]]\nlocation = "${HOST}/empty"\ninsecure = true\n` +
            `[[registry.mirror]]\nlocation = "${HOST}"\ninsecure = true\n`,
          secrets: [dockerConfigSecret("s", { [`${HOST}/empty`]: mine })],
          global: { [HOST]: { auth: basic("globaluser", USERS.globaluser) } },
          kubeletImage: "docker.io/library/nginx",
          pull: "docker.io/library/nginx:latest",
        });
        assertProviderSucceeded(outcome);
        assertEquals(outcome.written, {
          auths: {
            [HOST]: { auth: basic("globaluser", USERS.globaluser) },
            [`${HOST}/empty`]: mine,
          },
        });
        assert.ok(outcome.pull.pulled, outcome.pull.output);
        assert.ok(servedManifest(outcome.log, "library/nginx", "globaluser"), outcome.log);
      });

      await t.step("a mirror configured in registries.conf.d", async () => {
        const outcome = await scenario({
          conf: 'unqualified-search-registries = ["docker.io"]\n',
          dropIns: { "50-mirror.conf": MIRRORED },
          secrets: [dockerConfigSecret("s", { [HOST]: mine })],
          kubeletImage: "docker.io/library/nginx",
          pull: "docker.io/library/nginx:latest",
        });
        assertProviderSucceeded(outcome);
        assert.ok(outcome.pull.pulled, outcome.pull.output);
        assert.ok(servedManifest(outcome.log, "library/nginx", "myuser"), outcome.log);
      });
    } finally {
      await registry.stop();
      await Deno.remove(root, { recursive: true });
    }
  },
});
