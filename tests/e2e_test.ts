/**
 * The end-to-end suites (tests/e2e/) run in a fresh network and mount
 * namespace with only loopback up, so nothing they do can reach the
 * internet: a failed mirror pull cannot fall back to Docker Hub, and DNS
 * finds nothing. They need root and Debian's skopeo, docker-registry,
 * apache2-utils (htpasswd), umoci and iproute2.
 */

import { testWithTools } from "./support/tools.ts";

const SUITES = ["e2e/registry_pull_e2e.ts", "e2e/concurrency_e2e.ts"].map((file) =>
  new URL(file, import.meta.url).pathname
);
const PASSED_ON = ["PATH", "HOME", "DENO_DIR", "CI", "CRIO_CREDENTIAL_PROVIDER_BIN", "NO_COLOR"];

await testWithTools(
  "end to end: a real registry, skopeo and CRI-O's consumption, offline",
  {
    tools: ["unshare", "mount", "ip", "skopeo", "docker-registry", "htpasswd", "umoci"],
    root: true,
  },
  async () => {
    const env: Record<string, string> = { NO_COLOR: "1" };
    for (const name of PASSED_ON) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    const output = await new Deno.Command("unshare", {
      args: [
        "--net",
        "--mount",
        "--propagation=private",
        "sh",
        "-c",
        'ip link set lo up && exec "$@"',
        "sh",
        Deno.execPath(),
        "test",
        "--cached-only",
        "--unstable-net",
        "--allow-read",
        "--allow-write",
        "--allow-run",
        "--allow-env",
        "--allow-net",
        "--allow-sys=uid,networkInterfaces",
        ...SUITES,
      ],
      clearEnv: true,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      const decoder = new TextDecoder();
      throw new Error(
        `The end-to-end suites failed:\n${decoder.decode(output.stdout)}\n${
          decoder.decode(output.stderr)
        }`,
      );
    }
  },
);
