/**
 * A real container registry (distribution v2, Debian's `docker-registry`) on
 * loopback, with htpasswd basic auth, as upstream's end-to-end test uses one.
 */

/** A running registry; stop it in `finally`. */
export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  readonly port: number;
  /** The registry's log so far. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

async function run(command: string, args: string[], input?: string): Promise<string> {
  const child = new Deno.Command(command, {
    args,
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  if (!output.success) {
    throw new Error(`${command} ${args.join(" ")} failed: ${decoder.decode(output.stderr)}`);
  }
  return decoder.decode(output.stdout);
}

/** A TCP port nobody listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts a registry in `dir` accepting `users` (name → password). */
export async function startRegistry(
  dir: string,
  users: Record<string, string>,
): Promise<TestRegistry> {
  const port = freePort();
  let htpasswd = "";
  for (const [user, password] of Object.entries(users)) {
    htpasswd += await run("htpasswd", ["-Bbn", user, password]);
  }
  await Deno.writeTextFile(`${dir}/htpasswd`, htpasswd);
  await Deno.writeTextFile(
    `${dir}/config.yml`,
    [
      "version: 0.1",
      // At debug level the registry names the authenticated user of each request.
      "log: { level: debug, formatter: text }",
      `storage: { filesystem: { rootdirectory: "${dir}/data" } }`,
      `http: { addr: "127.0.0.1:${port}", secret: not-secret }`,
      `auth: { htpasswd: { realm: e2e, path: "${dir}/htpasswd" } }`,
      "",
    ].join("\n"),
  );
  const log = `${dir}/registry.log`;
  const child = new Deno.Command("sh", {
    args: ["-c", 'exec docker-registry serve "$1" >"$2" 2>&1', "sh", `${dir}/config.yml`, log],
  }).spawn();
  const host = `127.0.0.1:${port}`;
  for (let attempt = 0;; attempt++) {
    try {
      const response = await fetch(`http://${host}/v2/`);
      await response.body?.cancel();
      if (response.status === 401) break;
    } catch {
      // not listening yet
    }
    if (attempt === 100) {
      child.kill();
      throw new Error(
        `The registry did not start: ${await Deno.readTextFile(log).catch(() => "")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    host,
    port,
    log: () => Deno.readTextFile(log),
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Builds a one-file OCI image with umoci; returns the `oci:` reference. */
export async function buildTestImage(dir: string): Promise<string> {
  const layout = `${dir}/layout`;
  await Deno.writeTextFile(`${dir}/hello.txt`, "hello from the mirror\n");
  await run("umoci", ["init", "--layout", layout]);
  await run("umoci", ["new", "--image", `${layout}:latest`]);
  await run("umoci", ["insert", "--image", `${layout}:latest`, `${dir}/hello.txt`, "/hello.txt"]);
  return `oci:${layout}:latest`;
}

/** Pushes `source` to `destination` (a `host/repo:tag`) with `user:password` credentials. */
export async function pushImage(
  source: string,
  destination: { readonly reference: string; readonly credentials: string },
): Promise<void> {
  await run("skopeo", [
    "copy",
    "--quiet",
    `--dest-creds=${destination.credentials}`,
    "--dest-tls-verify=false",
    source,
    `docker://${destination.reference}`,
  ]);
}

/**
 * Whether the registry served the manifest of `repository` (tag `latest`)
 * to `user`: its handler logged the authenticated user (debug level) and
 * the same request completed with 200.
 */
export function servedManifest(log: string, repository: string, user: string): boolean {
  const lines = log.split("\n");
  const uri = `/v2/${repository}/manifests/latest`;
  const ids = lines
    .filter((line) =>
      line.includes("msg=GetImageManifest") && line.includes(`auth.user.name=${user} `) &&
      (line.includes(`http.request.uri=${uri} `) || line.includes(`http.request.uri="${uri}"`))
    )
    .map((line) => /http\.request\.id=([0-9a-f-]+)/.exec(line)?.[1]);
  return lines.some((line) =>
    line.includes('msg="response completed"') && line.includes("http.response.status=200") &&
    ids.some((id) => id !== undefined && line.includes(`http.request.id=${id} `))
  );
}
