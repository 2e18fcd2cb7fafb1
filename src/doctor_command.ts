/**
 * `crio-credential-provider doctor`: why pulls do not get the namespace's
 * credentials. It gathers the node's facts (adapters/node_probe.ts,
 * adapters/api_probe.ts), judges them (domain/diagnosis), and prints one line
 * of evidence and one of remedy per check. Exit 0 when nothing fails.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { apiVersion, mayListSecrets } from "../adapters/api_probe.ts";
import {
  authDirectory,
  crioSettings,
  kubeletImagePullSettings,
  kubeletProcess,
  nodeKeyringKeys,
  programVersion,
  readProviderConfig,
} from "../adapters/node_probe.ts";
import { readRegistriesSources } from "../adapters/registries_files.ts";
import type { TextSink } from "../adapters/stdio.ts";
import { readTextIfExists } from "../adapters/text_files.ts";
import { logRecord } from "../domain/text/log_text.ts";
import { flagValue, versionOf } from "../domain/diagnosis/check.ts";
import { diagnose } from "../domain/diagnosis/diagnose.ts";
import type { Found, NodeFacts, TokenFacts } from "../domain/diagnosis/node_facts.ts";
import type { ProxyEnvironment } from "../domain/api_server/proxy_for_url.ts";
import { namespaceFromToken, tokenValidity } from "../domain/kubelet/service_account_token.ts";
import { resolveApiConnection } from "./api_connection.ts";
import { goStyleFlags, PROVIDER_OPTIONS } from "./flags.ts";
import { type ProviderConfig, providerConfig } from "./provider_config.ts";
import { UsageError } from "./usage_error.ts";

/** Usage of `doctor`. */
export const DOCTOR_USAGE =
  `Usage: crio-credential-provider doctor [--json] [--kubelet-config PATH] [--token-file PATH]
                                      [node flags] [provider flags]

Checks why pulls would not get the namespace's credentials: kubelet's flags and
config, this executable, registries.conf against matchImages, CRI-O's version
and settings, the auth directory, the API server, a token, and what keeps
cached images per namespace. Exit 0 when no check fails, 1 otherwise.

  --json                   one JSON object: {"checks": [{name, status, evidence, remedy}], "failed"}
  --kubelet-config PATH    the credential provider config to check (default: kubelet's flag)
  --token-file PATH        a service-account token: its namespace, audience and expiry, and
                           whether it may list secrets (never printed)
Node flags (for a host mounted elsewhere, e.g. oc debug's /host):
  --proc-root PATH         default /proc
  --kubelet-bin PATH       default: the running kubelet, else kubelet on PATH
  --crio-bin PATH          default crio
  --crio-config PATH       default /etc/crio/crio.conf
  --crio-config-dir PATH   default /etc/crio/crio.conf.d
Provider flags: as for the provider (--auth-dir, --global-auth-file, --registries-conf, …).
`;

const OPTIONS = {
  ...PROVIDER_OPTIONS,
  json: { type: "boolean" },
  "kubelet-config": { type: "string" },
  "token-file": { type: "string" },
  "proc-root": { type: "string" },
  "kubelet-bin": { type: "string" },
  "crio-bin": { type: "string" },
  "crio-config": { type: "string" },
  "crio-config-dir": { type: "string" },
} as const;

/** What `doctor` needs from its surroundings. */
export interface DoctorIo {
  readonly stdout: TextSink;
  readonly executableName: string;
  readonly home?: string;
  readonly proxies: ProxyEnvironment;
}

async function tokenFacts(
  path: string,
  connection: Awaited<ReturnType<typeof resolveApiConnection>> | undefined,
  signal: AbortSignal,
): Promise<TokenFacts> {
  const text = (await readTextIfExists(path, "token file"))?.trim();
  if (text === undefined) {
    return { namespace: { problem: `${JSON.stringify(path)} does not exist` }, audiences: [] };
  }
  let namespace: Found<string>;
  try {
    namespace = { value: namespaceFromToken(text) };
  } catch (error) {
    namespace = { problem: (error as Error).message };
  }
  const { audiences, expiresAt } = tokenValidity(text);
  const listSecrets = connection !== undefined && "value" in namespace
    ? await mayListSecrets(connection, { token: text, namespace: namespace.value, signal })
    : undefined;
  return {
    namespace,
    audiences,
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(listSecrets === undefined ? {} : { listSecrets }),
  };
}

async function gather(
  values: Record<string, unknown>,
  config: ProviderConfig,
  io: DoctorIo,
): Promise<NodeFacts> {
  const text = (name: string) =>
    typeof values[name] === "string" ? values[name] as string : undefined;
  const now = Date.now() / 1000;
  const procRoot = text("proc-root") ?? "/proc";
  const running = await kubeletProcess(procRoot);
  const args = "value" in running ? running.value?.args : undefined;
  const uid = "value" in running ? running.value?.uid : undefined;
  const kubeletBin = text("kubelet-bin") ?? args?.[0] ?? "kubelet";
  const kubeletVersion = await programVersion(kubeletBin);
  const minor = "value" in kubeletVersion ? versionOf(kubeletVersion.value)?.[1] ?? 34 : 34;
  const override = text("kubelet-config");
  const configPath = override ?? flagValue(args ?? [], "image-credential-provider-config");
  const binDir = flagValue(args ?? [], "image-credential-provider-bin-dir");
  const candidates = [
    `${config.kubernetesConfigDir}/credential-providers`,
    `${config.kubernetesConfigDir}/credential-provider-config.yaml`,
  ];
  const configsOnDisk = [];
  for (const candidate of candidates) {
    if (await Deno.stat(candidate).then(() => true, () => false)) configsOnDisk.push(candidate);
  }
  const executablePath = binDir === undefined ? undefined : `${binDir}/${io.executableName}`;
  const executableInfo = executablePath === undefined
    ? undefined
    : await Deno.stat(executablePath).catch(() => undefined);
  const rootDir = flagValue(args ?? [], "root-dir") ?? "/var/lib/kubelet";
  const settings = await kubeletImagePullSettings(flagValue(args ?? [], "config"));
  const gates = flagValue(args ?? [], "feature-gates") ?? "";
  const gateFlag = /(?:^|,)KubeletEnsureSecretPulledImages=(true|false)(?:,|$)/.exec(gates)?.[1];
  let registries: NodeFacts["registries"];
  try {
    const read = await readRegistriesSources({
      ...(config.registriesConf === undefined ? {} : { confPath: config.registriesConf }),
      ...(config.registriesConfDir === undefined ? {} : { confDirPath: config.registriesConfDir }),
      ...(io.home === undefined ? {} : { home: io.home }),
    });
    registries = { value: read };
  } catch (error) {
    registries = { problem: (error as Error).message };
  }
  const crio = await crioSettings(
    text("crio-config") ?? "/etc/crio/crio.conf",
    text("crio-config-dir") ?? "/etc/crio/crio.conf.d",
  );
  const signal = AbortSignal.timeout(config.timeoutSeconds * 1000);
  let connection;
  let server: Found<string>;
  try {
    connection = await resolveApiConnection(config, { logger: { log() {} }, proxies: io.proxies });
    server = { value: connection.server };
  } catch (error) {
    server = { problem: (error as Error).message };
  }
  const tokenFile = text("token-file");
  return {
    executableName: io.executableName,
    authDir: config.authDir,
    globalAuthFile: config.globalAuthFile,
    kubelet: {
      ...(args === undefined ? {} : { args }),
      ...(uid === undefined ? {} : { uid }),
      ...("problem" in running ? { argsProblem: running.problem } : {}),
      version: kubeletVersion,
      ...(override === undefined ? {} : { configOverride: override }),
      configsOnDisk,
    },
    ...(configPath === undefined ? {} : {
      providerConfig: { path: configPath, config: await readProviderConfig(configPath, minor) },
    }),
    ...(executablePath === undefined ? {} : {
      executable: {
        path: executablePath,
        exists: executableInfo !== undefined,
        executable: ((executableInfo?.mode ?? 0) & 0o111) !== 0,
      },
    }),
    imagePull: {
      ...settings,
      ...(gateFlag === undefined ? {} : { ensureSecretPulledImages: gateFlag === "true" }),
      nodeKeyringKeys: await nodeKeyringKeys(`${rootDir}/config.json`),
    },
    registries,
    crio: {
      version: await programVersion(text("crio-bin") ?? "crio"),
      namespacedAuthDir: crio.namespacedAuthDir,
      globalAuthFile: crio.globalAuthFile,
      ...(crio.problem === undefined ? {} : { configProblem: crio.problem }),
    },
    authDirectory: await authDirectory(config.authDir, now),
    api: {
      server,
      ...(connection === undefined ? {} : { reachable: await apiVersion(connection, signal) }),
    },
    ...(tokenFile === undefined ? {} : { token: await tokenFacts(tokenFile, connection, signal) }),
    now,
  };
}

/**
 * Runs `doctor` with `args` (after the word `doctor`); returns the exit status.
 *
 * @example
 * ```ts ignore
 * import { runDoctorCommand } from "./doctor_command.ts";
 * const status = await runDoctorCommand(["--json"], io);
 * ```
 * @throws {UsageError} for bad arguments
 */
export async function runDoctorCommand(args: readonly string[], io: DoctorIo): Promise<number> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: goStyleFlags(args, OPTIONS), options: OPTIONS, strict: true }));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
  const config = providerConfig(values as Record<string, string | boolean | undefined>);
  const { checks, failed } = diagnose(await gather(values, config, io));
  if (values.json) {
    await io.stdout.write(`${JSON.stringify({ checks, failed }, null, 2)}\n`);
  } else {
    // Evidence quotes node files and the API server's answers: escaped and cut as log records,
    // so that no value can move the terminal's cursor or forge a line.
    const lines = checks.map((check) =>
      `${check.status.toUpperCase().padEnd(4)}  ${check.name}: ${logRecord(check.evidence)}` +
      (check.remedy === undefined ? "" : `\n      → ${logRecord(check.remedy)}`)
    );
    await io.stdout.write(`${lines.join("\n")}\n`);
  }
  return failed ? 1 : 0;
}
