/**
 * Spawns the real entry point, as a user or kubelet would, and collects its
 * output: `deno run <permissions> src/main.ts`, or the compiled binary named
 * by CRIO_CREDENTIAL_PROVIDER_BIN, whose permissions are baked in.
 */

export const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunCliOptions {
  /** Deno permission flags; the test states exactly what the program may touch. */
  readonly permissions: readonly string[];
  readonly env?: Record<string, string>;
  readonly stdin?: string;
  /** Leave stdin open after writing it, as a kubelet that never finishes its request would. */
  readonly keepStdinOpen?: boolean;
}

// A child with another HOME must be told where Deno's module cache is.
export const DENO_DIR = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;

/** A compiled binary to test instead of the sources. */
export const PROVIDER_BIN = Deno.env.get("CRIO_CREDENTIAL_PROVIDER_BIN");

/** Runs the provider with `args` in a clean environment. */
export async function runCli(args: readonly string[], options: RunCliOptions): Promise<CliResult> {
  const command = new Deno.Command(PROVIDER_BIN ?? Deno.execPath(), {
    args: PROVIDER_BIN === undefined
      ? ["run", "--no-prompt", "--cached-only", ...options.permissions, MAIN, ...args]
      : [...args],
    clearEnv: true,
    env: { NO_COLOR: "1", DENO_DIR, ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    // A child waiting on an open stdin must not hang the suite if it never gives up.
    ...(options.keepStdinOpen ? { signal: AbortSignal.timeout(30_000) } : {}),
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  const writer = options.stdin === undefined ? undefined : child.stdin.getWriter();
  if (writer !== undefined) {
    await writer.write(new TextEncoder().encode(options.stdin));
    if (!options.keepStdinOpen) await writer.close();
  }
  const output = await child.output();
  if (options.keepStdinOpen) await writer?.close().catch(() => {});
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}
