/**
 * Entry point of crio-credential-provider. The only module that exits the
 * process: every command returns a status or throws, and the exit status is
 * decided here.
 *
 * Exit status: 0 success, 1 failure (reported on stderr), 2 bad arguments (with usage).
 *
 * @module
 */

import { stderr, stdout } from "../adapters/stdio.ts";
import { readTextIfExists } from "../adapters/text_files.ts";
import { errorChain } from "../domain/error_chain.ts";
import { BUILD } from "./build_config.ts";
import { parseProviderArgs, PROVIDER_USAGE } from "./config.ts";
import { MIRRORS_USAGE, runMirrorsCommand } from "./mirrors_command.ts";
import { runProvider } from "./provider_command.ts";
import { UsageError } from "./usage_error.ts";
import { formatVersion, versionInfo } from "./version.ts";

/**
 * The home directory containers/image would use: `$HOME`, else the account's
 * home from /etc/passwd (kubelet and CRI-O often run without HOME), else the
 * build's default.
 */
async function homeDirectory(uid: number): Promise<string> {
  const home = Deno.env.get("HOME");
  if (home) return home;
  const passwd = await readTextIfExists("/etc/passwd").catch(() => undefined);
  const entry = passwd?.split("\n").map((line) => line.split(":")).find((f) => f[2] === `${uid}`);
  return entry?.[5] || BUILD.defaults.home;
}

/**
 * Runs the command line and returns the exit status.
 *
 * @example
 * ```ts ignore
 * import { main } from "./main.ts";
 * const status = await main(["mirrors", "--json", "nginx"]);
 * ```
 */
export async function main(args: readonly string[]): Promise<number> {
  const mirrors = args[0] === "mirrors";
  try {
    const uid = Deno.uid() ?? undefined;
    const home = await homeDirectory(uid ?? 0);
    if (mirrors) {
      await runMirrorsCommand(args.slice(1), { stdout, home });
      return 0;
    }
    const command = parseProviderArgs(args);
    switch (command.kind) {
      case "help":
        await stdout.write(PROVIDER_USAGE);
        return 0;
      case "version":
        await stdout.write(formatVersion(versionInfo()));
        return 0;
      case "version-json":
        await stdout.write(`${JSON.stringify(versionInfo(), null, 2)}\n`);
        return 0;
      case "run":
        return await runProvider(command.config, {
          stdout,
          stderr,
          home,
          ...(uid === undefined ? {} : { uid }),
        });
    }
  } catch (error) {
    if (error instanceof UsageError) {
      await stderr.write(`${error.message}\n\n${mirrors ? MIRRORS_USAGE : PROVIDER_USAGE}`);
      return 2;
    }
    await stderr.write(`${errorChain(error)}\n`);
    return 1;
  }
}

/**
 * The YAML library prints its parse stream to stdout when these are set, which
 * would corrupt the protocol and could print a kubeconfig's keys; they are
 * cleared before anything is parsed.
 */
export const YAML_DEBUG_VARIABLES = ["LOG_TOKENS", "LOG_STREAM"] as const;

if (import.meta.main) {
  for (const name of YAML_DEBUG_VARIABLES) Deno.env.delete(name);
  Deno.exit(await main(Deno.args));
}
