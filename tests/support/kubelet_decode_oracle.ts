/**
 * kubelet's own pull-secret decoding as a test oracle: the Go program
 * `tests/kube/cmd/kubelet-decode` (see its header comment), built on demand by
 * `go_programs.ts`, fed many requests through ONE process (all lines written,
 * all answers read), so thousands of documents take well under a second.
 *
 * A test that needs it is declared with {@linkcode testWithKubeletDecode}:
 * ignored outside CI when Go is missing (the reason in the test name),
 * failing in CI (`CI=true`), as `tools.ts` does for other tools.
 */

import { goProgram } from "./go_programs.ts";

const PROGRAM = "kubelet-decode";
const IN_CI = Deno.env.get("CI") === "true";

/** One input line: a Secret's type and raw data bytes, or the bytes of a node config.json. */
export type KubeletRequest =
  | { readonly type: string; readonly data: Readonly<Record<string, Uint8Array>> }
  | { readonly file: Uint8Array };

/** A credential as the oracle prints it (Go strings; bytes that are not UTF-8 become U+FFFD each). */
export interface KubeletEntry {
  readonly username: string;
  readonly password: string;
  readonly email: string;
}

/** One output line. */
export type KubeletAnswer =
  | { readonly accepted: true; readonly entries: Readonly<Record<string, KubeletEntry>> }
  | { readonly accepted: false; readonly error: string }
  | { readonly ignored: true };

/** Decodes `requests` in one run of the oracle at `path`; answers in request order. */
export async function kubeletDecode(
  path: string,
  requests: readonly KubeletRequest[],
): Promise<KubeletAnswer[]> {
  const lines = requests.map((request) =>
    JSON.stringify(
      "file" in request ? { file: request.file.toBase64() } : {
        type: request.type,
        data: Object.fromEntries(
          Object.entries(request.data).map(([key, value]) => [key, value.toBase64()]),
        ),
      },
    )
  );
  const input = new TextEncoder().encode(lines.map((line) => `${line}\n`).join(""));
  const child = new Deno.Command(path, {
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Written while the output is read: neither pipe may fill up and block the other side.
  const writing = (async () => {
    const writer = child.stdin.getWriter();
    try {
      await writer.write(input);
    } finally {
      await writer.close().catch(() => {});
    }
  })();
  const [output] = await Promise.all([child.output(), writing]);
  const decoder = new TextDecoder();
  if (!output.success) {
    throw new Error(
      `${PROGRAM} exited with status ${output.code}: ${decoder.decode(output.stderr)}`,
    );
  }
  const answers = decoder.decode(output.stdout).split("\n").filter((line) => line !== "");
  if (answers.length !== requests.length) {
    throw new Error(`${PROGRAM} answered ${answers.length} lines for ${requests.length} requests`);
  }
  return answers.map((line) => JSON.parse(line) as KubeletAnswer);
}

/** Decodes requests with the oracle that the test was given. */
export type KubeletDecode = (requests: readonly KubeletRequest[]) => Promise<KubeletAnswer[]>;

/** The oracle's build, decided once per test module (building takes ~50 s the first time). */
const program: Promise<{ path: string } | { missing: string } | { failed: unknown }> = goProgram(
  PROGRAM,
).catch((failed: unknown) => ({ failed }));

/**
 * Declares a test that needs the kubelet-decode oracle: ignored (and so
 * reported, with the reason in its name) when Go is missing outside CI,
 * failing when it is missing in CI. A failing build fails the test.
 */
export async function testWithKubeletDecode(
  name: string,
  fn: (t: Deno.TestContext, decode: KubeletDecode) => Promise<void>,
): Promise<void> {
  const built = await program;
  const missing = "missing" in built ? built.missing : undefined;
  Deno.test({
    name: missing === undefined ? name : `${name} (needs ${missing})`,
    ignore: missing !== undefined && !IN_CI,
    fn: async (t) => {
      if ("failed" in built) throw built.failed;
      if (!("path" in built)) throw new Error(`Missing test requirements: ${missing}`);
      await fn(t, (requests) => kubeletDecode(built.path, requests));
    },
  });
}

// A byte-order mark inside a value is a character like any other.
const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Length of the valid UTF-8 sequence at `at` (Go's `utf8.DecodeRune`), or 0 when it is not one. */
function utf8Length(bytes: Uint8Array, at: number): number {
  const first = bytes[at]!;
  if (first < 0x80) return 1;
  const continuation = (offset: number, low = 0x80, high = 0xbf) => {
    const byte = bytes[at + offset];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (first >= 0xc2 && first <= 0xdf) return continuation(1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const [low, high] = first === 0xe0
      ? [0xa0, 0xbf]
      : first === 0xed
      ? [0x80, 0x9f]
      : [0x80, 0xbf];
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const [low, high] = first === 0xf0
      ? [0x90, 0xbf]
      : first === 0xf4
      ? [0x80, 0x8f]
      : [0x80, 0xbf];
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

/**
 * `bytes` as the oracle prints a Go string: `encoding/json` writes U+FFFD for
 * every byte that does not start a valid UTF-8 sequence (where `TextDecoder`
 * writes one per maximal invalid subsequence).
 */
export function goJsonString(bytes: Uint8Array): string {
  let text = "";
  for (let at = 0; at < bytes.length;) {
    const length = utf8Length(bytes, at);
    text += length === 0 ? "\ufffd" : UTF8.decode(bytes.subarray(at, at + length));
    at += length === 0 ? 1 : length;
  }
  return text;
}
