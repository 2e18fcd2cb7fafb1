/**
 * Tests against the Go oracles in `tests/kube/cmd/` (see `go_programs.ts`).
 *
 * {@linkcode testWithGoProgram} declares a test that needs one of them, the
 * way `tools.ts` declares tests that need external tools: when Go is not
 * installed, the test is reported as ignored (the reason in its name)
 * outside CI and fails in CI (`CI=true`); it is never silently passed.
 * {@linkcode askGoProgram} runs an oracle that speaks JSON lines (one
 * request per line on stdin, one answer per line on stdout) over many
 * requests in one process; {@linkcode runGoProgram} runs one that reads a
 * single input and answers with any number of JSON lines.
 */

import { type GoBuildOptions, goProgram } from "./go_programs.ts";

const IN_CI = Deno.env.get("CI") === "true";

/** A Go program to build: its name, or its name with a module file and build tags. */
export type GoProgramSpec = string | ({ readonly name: string } & GoBuildOptions);

/**
 * Declares a test that needs the Go program `program` (`tests/kube/cmd/<program>`,
 * or `{ name, modfile, tags }` to build it against another module file of
 * `tests/kube` or with build tags), built before the test is declared so that
 * its absence shows in the name. `fn` receives the path of the built binary.
 * A program that fails to build (a compile error, modules that cannot be
 * downloaded) fails the test.
 *
 * @example
 * ```ts
 * await testWithGoProgram("decoding agrees with kubelet", "kubelet-decode", async (_t, path) => {
 *   const answers = await askGoProgram(path, [{ file: btoa("{}") }]);
 *   // compare answers with ours
 * });
 * ```
 */
export async function testWithGoProgram(
  name: string,
  program: GoProgramSpec,
  fn: (t: Deno.TestContext, path: string) => Promise<void>,
): Promise<void> {
  let path: string | undefined;
  let missing: string | undefined;
  let failure: unknown;
  try {
    const built = typeof program === "string"
      ? await goProgram(program)
      : await goProgram(program.name, program);
    if ("path" in built) path = built.path;
    else missing = built.missing;
  } catch (error) {
    failure = error;
  }
  Deno.test({
    name: missing === undefined ? name : `${name} (needs ${missing})`,
    ignore: missing !== undefined && !IN_CI,
    fn: async (t) => {
      if (failure !== undefined) throw failure;
      if (path === undefined) throw new Error(`Missing test requirements: ${missing}`);
      await fn(t, path);
    },
  });
}

/**
 * Runs the JSON-lines program at `path` once over all `requests` and returns
 * its answers, parsed, in order. Throws, with the program's stderr, when it
 * exits unsuccessfully or does not answer every request exactly once.
 */
export async function askGoProgram(path: string, requests: readonly unknown[]): Promise<unknown[]> {
  const input = new TextEncoder().encode(
    requests.map((request) => `${JSON.stringify(request)}\n`).join(""),
  );
  const child = new Deno.Command(path, { stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  // Write while the output is read, so a large input cannot fill both pipes.
  const writing = (async () => {
    const writer = child.stdin.getWriter();
    try {
      await writer.write(input);
      await writer.close();
    } catch (error) {
      return error; // the program stopped reading; its stderr says why
    }
    return undefined;
  })();
  const [output, writeError] = await Promise.all([child.output(), writing]);
  const decoder = new TextDecoder();
  const stderr = decoder.decode(output.stderr).trim();
  const name = path.slice(path.lastIndexOf("/") + 1).replace(/-[0-9a-f]{16}$/, "");
  if (!output.success) {
    throw new Error(`Go program ${name} failed (exit ${output.code}): ${stderr}`);
  }
  if (writeError !== undefined) {
    throw new Error(`Go program ${name} stopped reading its input: ${String(writeError)}`);
  }
  const lines = decoder.decode(output.stdout).split("\n").filter((line) => line !== "");
  if (lines.length !== requests.length) {
    throw new Error(
      `Go program ${name} answered ${lines.length} of ${requests.length} requests: ${stderr}`,
    );
  }
  return lines.map((line) => JSON.parse(line));
}

/** What {@linkcode runGoProgram} collected. */
export interface GoProgramRun {
  /** The JSON lines on stdout, parsed, in order. */
  readonly lines: unknown[];
  readonly stderr: string;
}

/**
 * Runs the program at `path` with `args`, writes `stdin` to it, and returns
 * its stdout's JSON lines. Throws, with the program's stderr, when it exits
 * unsuccessfully or writes a line that is not JSON.
 */
export async function runGoProgram(
  path: string,
  stdin: string,
  args: readonly string[] = [],
): Promise<GoProgramRun> {
  const child = new Deno.Command(path, {
    args: [...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writing = (async () => {
    const writer = child.stdin.getWriter();
    try {
      await writer.write(new TextEncoder().encode(stdin));
      await writer.close();
    } catch (error) {
      return error;
    }
    return undefined;
  })();
  const [output, writeError] = await Promise.all([child.output(), writing]);
  const decoder = new TextDecoder();
  const stderr = decoder.decode(output.stderr);
  const name = path.slice(path.lastIndexOf("/") + 1).replace(/-[0-9a-f]{16}$/, "");
  if (!output.success) {
    throw new Error(`Go program ${name} failed (exit ${output.code}): ${stderr.trim()}`);
  }
  if (writeError !== undefined) {
    throw new Error(`Go program ${name} stopped reading its input: ${String(writeError)}`);
  }
  const lines = decoder.decode(output.stdout).split("\n").filter((line) => line !== "").map(
    (line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new Error(`Go program ${name} wrote a line that is not JSON: ${line}\n${stderr}`);
      }
    },
  );
  return { lines, stderr };
}
