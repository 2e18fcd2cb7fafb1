/**
 * `deno task bench`: times whole provider invocations as kubelet makes them
 * (a fresh process, a request on stdin) beside `deno run` of an empty module
 * with the same permission flags, in the same run, and reports median wall
 * time and peak memory (maximum resident set size, from GNU time).
 *
 * Targets: a no-mirror answer within 1.3x the empty module's wall time; a full
 * invocation against a loopback API within 2x wall time and 1.5x peak memory.
 *
 * Two forms are measured: the bundle `build.ts` compiles (staged with default
 * paths pointing at the benchmark's node, run without arguments, as kubelet
 * runs a packaged build), and the module graph (`src/main.ts` with flags).
 */
// deno-lint-ignore-file no-console

import { bundleSources, resolveStamp, stageSources } from "../../build.ts";
import { permissionFlags } from "../../src/permissions.ts";
import { kubeletRequest, serviceAccountToken, startApiStandIn } from "../support/api_stand_in.ts";
import { nodeLayout } from "../support/node_layout.ts";
import { DENO_DIR } from "../support/run_cli.ts";
import { withTempDir } from "../support/temp_tree.ts";

const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 30);
const ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
const EMPTY = new URL("./empty.ts", import.meta.url).pathname;

interface Sample {
  readonly ms: number;
  readonly kb: number;
}

async function measure(
  command: string[],
  stdin: string,
  cwd: string,
  home: string,
): Promise<Sample> {
  const started = performance.now();
  const child = new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M", ...command],
    cwd,
    env: { HOME: home, DENO_DIR },
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const output = await child.output();
  const ms = performance.now() - started;
  const lines = new TextDecoder().decode(output.stderr).trim().split("\n");
  if (!output.success) throw new Error(`${command.join(" ")} failed:\n${lines.join("\n")}`);
  return { ms, kb: Number(lines.at(-1)) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

await withTempDir(async (root) => {
  const mirrored = await nodeLayout(`${root}/mirrored`, {
    "etc/containers/registries.conf":
      '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "localhost:5000"\n',
  });
  const plain = await nodeLayout(`${root}/plain`, {
    "etc/containers/registries.conf": '[[registry]]\nlocation = "quay.io"\n',
  });
  const token = serviceAccountToken("default");
  const secrets = [{
    name: "my-secret",
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": '{"auths":{"localhost:5000":{"auth":"dTpw"}}}' },
  }];
  const plainApi = startApiStandIn({ token, secrets, plainHttp: true });
  const api = startApiStandIn({
    token,
    secrets: [{
      name: "my-secret",
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": '{"auths":{"localhost:5000":{"auth":"dTpw"}}}' },
    }],
  });
  const request = kubeletRequest("docker.io/library/nginx", token);
  const deno = (node: typeof mirrored, module: string, args: readonly string[]) => [
    Deno.execPath(),
    "run",
    "--no-prompt",
    "--cached-only",
    ...permissionFlags(node.paths),
    module,
    ...args,
  ];
  // The bundles as build.ts makes them, with the node's paths as build defaults.
  const bundle = async (node: typeof mirrored, name: string) => {
    const dir = `${root}/stage-${name}`;
    await Deno.mkdir(dir);
    const stamp = await resolveStamp({});
    await stageSources({ ...stamp, defaults: node.paths }, dir);
    return { dir, entry: await bundleSources(dir) };
  };
  const plainBundle = await bundle(plain, "plain");
  const mirroredBundle = await bundle(mirrored, "mirrored");
  // The API server as OpenShift nodes announce it, so the packaged build runs without arguments.
  const port = new URL(api.url).port;
  await Deno.writeTextFile(
    `${mirrored.paths.kubernetesConfigDir}/apiserver-url.env`,
    `KUBERNETES_SERVICE_HOST='127.0.0.1'\nKUBERNETES_SERVICE_PORT='${port}'\n`,
  );
  const cases: Record<string, () => Promise<Sample>> = {
    "empty module (baseline)": () =>
      measure(deno(plain, EMPTY, []), "", plainBundle.dir, plain.paths.home),
    "bundle: no mirror (answer only)": () =>
      measure(deno(plain, plainBundle.entry, []), request, plainBundle.dir, plain.paths.home),
    "bundle: full (API + auth file)": () =>
      measure(
        deno(mirrored, mirroredBundle.entry, []),
        request,
        mirroredBundle.dir,
        mirrored.paths.home,
      ),
    "bundle: full, plain-HTTP loopback API (flag)": () =>
      measure(
        deno(mirrored, mirroredBundle.entry, [`--api-server=${plainApi.url}`]),
        request,
        mirroredBundle.dir,
        mirrored.paths.home,
      ),
    "modules: no mirror (answer only)": () =>
      measure(deno(plain, MAIN, plain.flags), request, ROOT, plain.paths.home),
    "modules: full (API + auth file)": () =>
      measure(deno(mirrored, MAIN, mirrored.flags), request, ROOT, mirrored.paths.home),
  };
  const samples: Record<string, Sample[]> = Object.fromEntries(
    Object.keys(cases).map((k) => [k, []]),
  );
  try {
    for (const measureCase of Object.values(cases)) await measureCase(); // warm caches
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, measureCase] of Object.entries(cases)) {
        samples[name]!.push(await measureCase());
      }
    }
  } finally {
    await api.close();
    await plainApi.close();
  }
  const results = Object.entries(samples).map(([name, s]) => ({
    name,
    ms: median(s.map((x) => x.ms)),
    mb: median(s.map((x) => x.kb)) / 1024,
  }));
  const [base, noMirror, full] = results as [
    typeof results[0],
    typeof results[0],
    typeof results[0],
  ];
  console.log(`${ROUNDS} rounds, Deno ${Deno.version.deno}, ${Deno.build.target}\n`);
  console.log("| invocation | median wall time | × baseline | median peak RSS | × baseline |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.ms.toFixed(1)} ms | ${(r.ms / base.ms).toFixed(2)} | ${
        r.mb.toFixed(1)
      } MiB | ${(r.mb / base.mb).toFixed(2)} |`,
    );
  }
  const targets: [string, number, number][] = [
    ["no-mirror wall time ≤ 1.3× (bundle)", noMirror.ms / base.ms, 1.3],
    ["full wall time ≤ 2× (bundle)", full.ms / base.ms, 2],
    ["full peak memory ≤ 1.5× (bundle)", full.mb / base.mb, 1.5],
  ];
  console.log("");
  for (const [name, ratio, limit] of targets) {
    console.log(`${ratio <= limit ? "met   " : "MISSED"} ${name}: ${ratio.toFixed(2)}×`);
  }
});
