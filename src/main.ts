/**
 * Entry point of crio-credential-provider. The only module that exits the
 * process: every command returns or throws, and the exit status is decided here.
 *
 * Exit status: 0 success, 1 failure (one line on stderr), 2 bad arguments (with usage).
 *
 * @module
 */

import { stderr, stdout } from "../adapters/stdio.ts";
import { MIRRORS_USAGE, runMirrorsCommand } from "./mirrors_command.ts";
import { UsageError } from "./usage_error.ts";

const USAGE = `Usage: crio-credential-provider mirrors [flags] IMAGE

Commands:
  mirrors   show the mirrors and pull sources containers/image uses for IMAGE
`;

/**
 * Runs the command line and returns the exit status.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * const status = await main(["mirrors", "--json", "nginx"]);
 * ```
 */
export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === "mirrors") {
      await runMirrorsCommand(rest, {
        stdout,
        ...(Deno.env.get("HOME") ? { home: Deno.env.get("HOME") as string } : {}),
      });
      return 0;
    }
    throw new UsageError(
      command === undefined ? "Missing command" : `Unknown command "${command}"`,
    );
  } catch (error) {
    if (error instanceof UsageError) {
      await stderr.write(`${error.message}\n\n${command === "mirrors" ? MIRRORS_USAGE : USAGE}`);
      return 2;
    }
    await stderr.write(`${oneLine(error)}\n`);
    return 1;
  }
}

/** An error and its causes on one line, so kubelet and journald keep it whole. */
function oneLine(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined; e = e instanceof Error ? e.cause : undefined) {
    parts.push(e instanceof Error ? e.message : String(e));
  }
  return parts.filter((part, i) => i === 0 || !parts[i - 1]?.endsWith(part)).join(": ")
    .replaceAll("\n", "; ");
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
