/**
 * `deno task demo`: the provider's main job on a built-in example, with no
 * cluster. It lays out a node in a temporary directory (registries.conf
 * mirroring docker.io to localhost:5000), starts an HTTPS stand-in for the
 * API server (test CA) holding the namespace's pull secret, and runs the real
 * entry point as kubelet would, with the permissions the binary carries. It
 * prints the request, the response, the journal lines and the auth file, with
 * token and credentials masked.
 */
// deno-lint-ignore-file no-console

import { kubeletRequest, serviceAccountToken, startApiStandIn } from "./support/api_stand_in.ts";
import { nodeLayout, runProvider } from "./support/node_layout.ts";
import { withTempDir } from "./support/temp_tree.ts";
import { openTestJournal } from "./support/test_journal.ts";

const IMAGE = "docker.io/library/nginx";
const REGISTRIES_CONF = `unqualified-search-registries = ["docker.io"]

[[registry]]
location = "docker.io"

[[registry.mirror]]
location = "localhost:5000"
insecure = true
`;
const SECRET = '{"auths":{"http://localhost:5000":{"username":"myuser","password":"mypassword"}}}';

const BOLD = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");

function heading(text: string): void {
  console.log(BOLD ? `\n\x1b[1m== ${text}\x1b[0m` : `\n== ${text}`);
}

function mask(text: string): string {
  return text.replace(
    /("(?:auth|identitytoken|serviceAccountToken)":\s*")[^"]*"/g,
    '$1*** masked ***"',
  );
}

await withTempDir(async (root) => {
  const node = await nodeLayout(root, { "etc/containers/registries.conf": REGISTRIES_CONF });
  const token = serviceAccountToken("default");
  const api = startApiStandIn({
    token,
    secrets: [{
      name: "my-secret",
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": SECRET },
    }],
  });
  const journal = openTestJournal(node.paths.journalSocket);
  const request = kubeletRequest(IMAGE, token);
  try {
    heading(`registries.conf (${node.paths.registriesConf})`);
    console.log(REGISTRIES_CONF.trimEnd());
    heading(`Secret "my-secret" in namespace "default" (served by the API stand-in at ${api.url})`);
    console.log(mask(SECRET.replaceAll('"password":"mypassword"', '"password":"***"')));
    heading("kubelet's request on stdin");
    console.log(mask(request).trimEnd());

    const result = await runProvider(node, request, { args: [`--api-server=${api.url}`] });
    for (
      let i = 0;
      i < 100 && !journal.entries.some((e) => /Auth file path|Failed/.test(e.MESSAGE ?? ""));
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    heading(`Response on stdout (exit status ${result.code})`);
    console.log(result.stdout.trimEnd());
    if (result.stderr) {
      heading("stderr");
      console.log(result.stderr.trimEnd());
    }
    heading("Log (journald entries: priority, message)");
    for (const entry of journal.entries) console.log(`<${entry.PRIORITY}> ${entry.MESSAGE}`);
    for await (const entry of Deno.readDir(node.paths.authDir)) {
      const path = `${node.paths.authDir}/${entry.name}`;
      const mode = ((await Deno.stat(path)).mode ?? 0) & 0o777;
      heading(`Auth file for CRI-O: ${path} (mode ${mode.toString(8).padStart(4, "0")})`);
      console.log(mask(await Deno.readTextFile(path)).trimEnd());
    }
    if (result.code !== 0) Deno.exitCode = result.code;
  } finally {
    await journal.close();
    await api.close();
  }
});
