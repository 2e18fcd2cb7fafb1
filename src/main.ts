/**
 * Entry point of crio-credential-provider. The only module that exits the
 * process: every command returns a status or throws, and the exit status is
 * decided here.
 *
 * Exit status: 0 success, 1 failure (reported on stderr), 2 bad arguments (with usage).
 *
 * kubelet starts the provider for every matching pull, so what is not needed
 * for a run without arguments (the flag parser, the `mirrors` command) is
 * loaded only when asked for.
 *
 * @module
 */

import { takeProxyEnvironment } from "../adapters/proxy_environment.ts";
import { KEY_LOG_VARIABLE, takeTlsEnvironment } from "../adapters/tls_environment.ts";
import { stderr, stdout } from "../adapters/stdio.ts";
import { readTextIfExists } from "../adapters/text_files.ts";
import { errorChain } from "../domain/errors/error_chain.ts";
import { BUILD } from "./build_config.ts";
import type { ProviderCommand } from "./flags.ts";
import { providerConfig } from "./provider_config.ts";
import { runProvider, withdrawAfterRefusal } from "./provider_command.ts";
import { UsageError } from "./usage_error.ts";
import { formatVersion, formatVersionJson, versionInfo } from "./version.ts";

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

/** Whether this process may read the user-level containers files under `home`. */
function mayReadHome(home: string): boolean {
  return Deno.permissions.querySync({ name: "read", path: `${home}/.config/containers` }).state ===
    "granted";
}

async function command(args: readonly string[]): Promise<ProviderCommand> {
  if (args.length === 0) return { kind: "run", config: providerConfig() };
  return (await import("./flags.ts")).parseProviderArgs(args);
}

async function usage(mirrors: boolean): Promise<string> {
  return mirrors
    ? (await import("./mirrors_command.ts")).MIRRORS_USAGE
    : (await import("./flags.ts")).PROVIDER_USAGE;
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
  if (args[0] === "generate") return await generate(args.slice(1));
  if (args[0] === "doctor") return await doctor(args.slice(1));
  try {
    const uid = Deno.uid() ?? undefined;
    const candidate = await homeDirectory(uid ?? 0);
    // A build may only read the home it was built for; other user files are skipped, with a warning.
    const home = mayReadHome(candidate) ? candidate : undefined;
    if (mirrors) {
      const { runMirrorsCommand } = await import("./mirrors_command.ts");
      await runMirrorsCommand(args.slice(1), { stdout, ...(home === undefined ? {} : { home }) });
      return 0;
    }
    const parsed = await command(args);
    switch (parsed.kind) {
      case "help":
        await stdout.write(await usage(false));
        return 0;
      case "version":
        await stdout.write(formatVersion(versionInfo()));
        return 0;
      case "version-json":
        await stdout.write(formatVersionJson(versionInfo()));
        return 0;
      case "run": {
        const tls = takeTlsEnvironment();
        return await runProvider(parsed.config, {
          stdout,
          stderr,
          proxies: takeProxyEnvironment(),
          ignoredVariables: tls.ignored,
          ...(tls.keyLog ? { refuseTls: keyLogRefusal().message } : {}),
          ...(home === undefined ? { unreadableHome: candidate } : { home }),
          ...(uid === undefined ? {} : { uid }),
        });
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      // kubelet runs the provider for a pull: its older file must not outlive the refusal.
      if (!mirrors) {
        const uid = Deno.uid();
        await withdrawAfterRefusal(args, { stderr, ...(uid === null ? {} : { uid }) });
      }
      await stderr.write(`${error.message}\n\n${await usage(mirrors)}`);
      return 2;
    }
    await stderr.write(`${errorChain(error)}\n`);
    return 1;
  }
}

/** Deno writes every TLS session key to SSLKEYLOGFILE: the token could be read off the wire. */
function keyLogRefusal(): Error {
  return new Error(
    `Refusing to reach the API server with ${KEY_LOG_VARIABLE} set: TLS session keys, which ` +
      `decrypt the service account token in transit, would be written to that file; remove it ` +
      "from kubelet's environment",
  );
}

/** The name kubelet's config must give the provider: this executable's file name. */
function executableName(): string {
  const name = Deno.execPath().split("/").pop() ?? "";
  // Run as `deno run src/main.ts`, the executable is Deno; the installed name is the default.
  return name === "" || name === "deno" ? "crio-credential-provider" : name;
}

async function generate(args: readonly string[]): Promise<number> {
  const { GENERATE_USAGE, runGenerateCommand } = await import("./generate_command.ts");
  try {
    if (args.includes("--help") || args.includes("-h")) {
      await stdout.write(GENERATE_USAGE);
      return 0;
    }
    await runGenerateCommand(args, { stdout, stderr, executableName: executableName() });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      await stderr.write(`${error.message}\n\n${GENERATE_USAGE}`);
      return 2;
    }
    await stderr.write(`${errorChain(error)}\n`);
    return 1;
  }
}

async function doctor(args: readonly string[]): Promise<number> {
  const { DOCTOR_USAGE, runDoctorCommand } = await import("./doctor_command.ts");
  try {
    if (args.includes("--help") || args.includes("-h")) {
      await stdout.write(DOCTOR_USAGE);
      return 0;
    }
    // Doctor talks to the API server with the token file too.
    if (takeTlsEnvironment().keyLog) throw keyLogRefusal();
    const candidate = await homeDirectory(Deno.uid() ?? 0);
    return await runDoctorCommand(args, {
      stdout,
      executableName: executableName(),
      ...(mayReadHome(candidate) ? { home: candidate } : {}),
      proxies: takeProxyEnvironment(),
    });
  } catch (error) {
    if (error instanceof UsageError) {
      await stderr.write(`${error.message}\n\n${DOCTOR_USAGE}`);
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
