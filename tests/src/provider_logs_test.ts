/**
 * What the provider logs, as kubelet runs it: journald entries with
 * upstream's wording and priorities, and the warnings on stderr.
 */

import { assertEquals } from "../support/assert.ts";
import { kubeletRequest, startApiStandIn } from "../support/api_stand_in.ts";
import { nodeLayout, runProvider } from "../support/node_layout.ts";
import {
  FILE,
  IMAGE,
  MIRRORED,
  MY_SECRET,
  RESPONSE,
  TOKEN,
  W03,
} from "../support/provider_fixtures.ts";
import { withTempDir } from "../support/temp_tree.ts";
import { openTestJournal } from "../support/test_journal.ts";

Deno.test("provider logs upstream's lines to journald with priorities", () =>
  withTempDir(async (root) => {
    const node = await nodeLayout(root, { "etc/containers/registries.conf": MIRRORED });
    const journal = openTestJournal(node.paths.journalSocket);
    const api = startApiStandIn({ token: TOKEN, secrets: [MY_SECRET] });
    try {
      const result = await runProvider(node, kubeletRequest(IMAGE, TOKEN), {
        args: [`--api-server=${api.url}`],
      });
      assertEquals(result.code, 0);
    } finally {
      await api.close();
    }
    for (let i = 0; i < 100 && journal.entries.length < 17; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await journal.close();
    const authFile = `${node.paths.authDir}/${FILE}`;
    assertEquals(
      new Set(journal.entries.map((e) => `${e.PRIORITY} ${e.SYSLOG_IDENTIFIER}`)),
      new Set(["6 crio-credential-provider"]),
    );
    assertEquals(
      journal.entries.map((e) => e.MESSAGE!.replace(/127\.0\.0\.1:\d+/, "127.0.0.1:PORT")),
      [
        "Running credential provider",
        "Reading from stdin",
        'Parsed credential provider request for image "docker.io/library/nginx"',
        "Parsing namespace from request",
        `Matching mirrors for registry config: ${node.paths.registriesConf}`,
        'Got mirror(s) for "docker.io/library/nginx": "localhost:5000"',
        "Getting secrets from namespace: default",
        "Using API server host: 127.0.0.1:PORT (from --api-server)",
        `Verifying the API server certificate with CA "${node.paths.caFile}"`,
        "Got 1 secret(s)",
        "Parsing secret: my-secret",
        'Found docker config JSON auth in secret "my-secret" for "http://localhost:5000"',
        'Checking if mirror "localhost:5000" matches registry "localhost:5000"',
        'Using mirror auth "localhost:5000" for registry from secret "localhost:5000"',
        `Wrote auth file to ${authFile} with 1 number of entries`,
        `Auth file path: ${authFile}`,
      ],
    );
  }));

Deno.test("provider logs failures to journald as errors", () =>
  withTempDir(async (root) => {
    const node = await nodeLayout(root, { "etc/containers/registries.conf": MIRRORED });
    const journal = openTestJournal(node.paths.journalSocket);
    const result = await runProvider(node, "{");
    for (let i = 0; i < 100 && journal.entries.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await journal.close();
    assertEquals(result.code, 1);
    const failure =
      "Failed to run credential provider: unable to parse credential provider request from stdin: invalid JSON: ";
    assertEquals(
      journal.entries.map((
        e,
      ) => [e.PRIORITY, e.MESSAGE?.startsWith(failure) ? failure : e.MESSAGE]),
      [
        ["6", "Running credential provider"],
        ["6", "Reading from stdin"],
        ["3", failure],
      ],
    );
  }));

Deno.test("provider skips, with a warning, user files of a home it may not read", () =>
  withTempDir(async (root) => {
    const node = await nodeLayout(root, { "etc/containers/registries.conf": MIRRORED });
    const api = startApiStandIn({ token: TOKEN, secrets: [MY_SECRET] });
    try {
      const result = await runProvider(node, kubeletRequest(IMAGE, TOKEN), {
        args: [`--api-server=${api.url}`],
        env: { HOME: "/var/lib/kubelet" },
      });
      assertEquals([result.code, result.stdout], [0, RESPONSE]);
      assertEquals(
        result.stderr,
        'Not reading user registries configuration under "/var/lib/kubelet/.config/containers": this build may only read the home directory it was built for\n',
      );
      assertEquals(await Deno.readTextFile(`${node.paths.authDir}/${FILE}`), W03);
    } finally {
      await api.close();
    }
  }));
