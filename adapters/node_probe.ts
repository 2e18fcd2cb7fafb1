/**
 * What `doctor` reads on a node: the running kubelet's arguments
 * (`/proc/<pid>/cmdline`), `kubelet --version` and `crio --version`, kubelet's
 * credential provider config and `--config`, CRI-O's configuration files,
 * and the auth directory. Reading `/proc` and running programs need Deno
 * permissions the provider's own build does not carry; without them the
 * fact says so instead of failing.
 *
 * @module
 */

import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { parseDockerConfig } from "../domain/credentials/docker_config.ts";
import { parseCredentialProviderConfig } from "../domain/deployment/kubelet_config_file.ts";
import type { CredentialProviderConfig } from "../domain/deployment/kubelet_config.ts";
import type { AuthDirFacts, Found } from "../domain/diagnosis/node_facts.ts";
import { readTextIfExists } from "./text_files.ts";

/** Whether this process may read `path` (false instead of a prompt or a throw). */
function mayRead(path: string): boolean {
  return Deno.permissions.querySync({ name: "read", path }).state === "granted";
}

/** A running kubelet: its arguments and the effective uid its plugins run as. */
export interface KubeletProcess {
  /** The arguments, from the kubelet program itself on. */
  readonly args: readonly string[];
  /** The effective uid (`Uid:` of `/proc/<pid>/status`), when readable. */
  readonly uid?: number;
}

/**
 * The running kubelet, found in `procRoot/<pid>/cmdline` (and its uid in
 * `status`); `undefined` when no kubelet runs.
 */
export async function kubeletProcess(
  procRoot: string,
): Promise<Found<KubeletProcess | undefined>> {
  if (!mayRead(procRoot)) return { problem: `this build may not read ${procRoot}` };
  try {
    for await (const entry of Deno.readDir(procRoot)) {
      if (!/^[0-9]+$/.test(entry.name)) continue;
      const raw = await Deno.readFile(`${procRoot}/${entry.name}/cmdline`).catch(() => undefined);
      if (raw === undefined) continue;
      const argv = new TextDecoder().decode(raw).split("\0").filter((arg) => arg !== "");
      // kubelet itself, or a wrapper (OpenShift's kubenswrapper) whose first argument is kubelet.
      const at = argv.slice(0, 2).findIndex((arg) => arg.split("/").pop() === "kubelet");
      if (at !== -1) {
        const uid = await processUid(`${procRoot}/${entry.name}/status`);
        return { value: { args: argv.slice(at), ...(uid === undefined ? {} : { uid }) } };
      }
    }
  } catch (error) {
    return { problem: `cannot read ${procRoot}: ${(error as Error).message}` };
  }
  return { value: undefined };
}

/** The effective uid of `Uid:\treal\teffective\tsaved\tfs` in a process's status file. */
async function processUid(statusFile: string): Promise<number | undefined> {
  const status = await Deno.readTextFile(statusFile).catch(() => "");
  const fields = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  return fields === null ? undefined : Number(fields[2]);
}

/** The first line of `program --version`, or why it did not answer. */
export async function programVersion(program: string): Promise<Found<string>> {
  if (Deno.permissions.querySync({ name: "run", command: program }).state !== "granted") {
    return { problem: `this build may not run ${program} --version` };
  }
  try {
    const output = await new Deno.Command(program, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(5000),
    }).output();
    const text = new TextDecoder().decode(output.stdout).trim();
    return output.success && text !== ""
      ? { value: text.split("\n")[0]! }
      : { problem: `${program} --version failed` };
  } catch (error) {
    return { problem: `cannot run ${program}: ${(error as Error).message}` };
  }
}

/** kubelet's credential provider config: a file, or (1.34+) a directory of them. */
export async function readProviderConfig(
  path: string,
  minor: number,
): Promise<Found<CredentialProviderConfig>> {
  try {
    const info = await Deno.stat(path);
    const files: string[] = [];
    if (info.isDirectory) {
      for await (const entry of Deno.readDir(path)) {
        if (entry.isFile && /\.(json|ya?ml)$/.test(entry.name)) files.push(`${path}/${entry.name}`);
      }
      files.sort();
      if (files.length === 0) {
        return { problem: `no configuration files found in directory ${JSON.stringify(path)}` };
      }
    } else {
      files.push(path);
    }
    const providers = [];
    for (const file of files) {
      const text = await readTextIfExists(file, "credential provider config") ?? "";
      try {
        providers.push(...parseCredentialProviderConfig(text, { minor }).providers);
      } catch (error) {
        return {
          problem: `error decoding config ${JSON.stringify(file)}: ${(error as Error).message}`,
        };
      }
    }
    return {
      value: {
        apiVersion: "kubelet.config.k8s.io/v1",
        kind: "CredentialProviderConfig",
        providers,
      },
    };
  } catch (error) {
    return {
      problem: `unable to access path ${JSON.stringify(path)}: ${(error as Error).message}`,
    };
  }
}

/** What kubelet's `--config` (KubeletConfiguration) says about pulled-image checks. */
export async function kubeletImagePullSettings(
  path: string | undefined,
): Promise<{ verificationPolicy?: string; ensureSecretPulledImages?: boolean }> {
  if (path === undefined) return {};
  const text = await readTextIfExists(path, "kubelet configuration").catch(() => undefined);
  if (text === undefined) return {};
  let document: unknown;
  try {
    document = parseYaml(text, { logLevel: "error", prettyErrors: false });
  } catch {
    return {};
  }
  const config = (typeof document === "object" && document !== null ? document : {}) as Record<
    string,
    unknown
  >;
  const policy = config.imagePullCredentialsVerificationPolicy;
  const gates = config.featureGates as Record<string, unknown> | undefined;
  const gate = gates?.KubeletEnsureSecretPulledImages;
  return {
    ...(typeof policy === "string" ? { verificationPolicy: policy } : {}),
    ...(typeof gate === "boolean" ? { ensureSecretPulledImages: gate } : {}),
  };
}

/** The registry keys of kubelet's own `config.json` (its node keyring). */
export async function nodeKeyringKeys(path: string): Promise<string[]> {
  const text = await readTextIfExists(path, "kubelet config.json").catch(() => undefined);
  if (text === undefined) return [];
  try {
    // As kubelet reads it (`DockerConfigJSON`: "auths" in any letter case); a file kubelet
    // cannot decode gives it no keyring.
    return parseDockerConfig(text, { legacy: false }).entries.map((entry) => entry.key);
  } catch {
    return [];
  }
}

/** CRI-O's `namespaced_auth_dir` and `global_auth_file`, later files winning, as CRI-O reads them. */
export async function crioSettings(
  file: string,
  dropInDir: string,
): Promise<{ namespacedAuthDir: string; globalAuthFile: string; problem?: string }> {
  const settings = { namespacedAuthDir: "/etc/crio/auth", globalAuthFile: "" };
  // The compiled provider may not read CRI-O's files; an unread file is no default.
  const denied = [file, dropInDir].filter((path) => !mayRead(path));
  if (denied.length > 0) {
    return { ...settings, problem: `this build may not read ${denied.join(" or ")}` };
  }
  const files = [file];
  try {
    const names = [];
    for await (const entry of Deno.readDir(dropInDir)) {
      if (entry.isFile && entry.name.endsWith(".conf")) names.push(entry.name);
    }
    files.push(...names.sort().map((name) => `${dropInDir}/${name}`));
  } catch {
    // no drop-in directory
  }
  for (const path of files) {
    try {
      const text = await readTextIfExists(path, "CRI-O configuration");
      if (text === undefined) continue;
      const image =
        ((parseToml(text) as { crio?: { image?: Record<string, unknown> } }).crio?.image) ?? {};
      if (typeof image.namespaced_auth_dir === "string") {
        settings.namespacedAuthDir = image.namespaced_auth_dir;
      }
      if (typeof image.global_auth_file === "string") {
        settings.globalAuthFile = image.global_auth_file;
      }
    } catch (error) {
      return {
        ...settings,
        problem: `cannot read ${JSON.stringify(path)}: ${(error as Error).message.split("\n")[0]}`,
      };
    }
  }
  return settings;
}

/** The auth directory's kind, owner, mode, and its files' ages (seconds). */
export async function authDirectory(path: string, now: number): Promise<AuthDirFacts> {
  try {
    const info = await Deno.lstat(path);
    const authFiles: { name: string; ageSeconds: number }[] = [];
    if (info.isDirectory) {
      for await (const entry of Deno.readDir(path)) {
        if (!entry.isFile) continue;
        const file = await Deno.lstat(`${path}/${entry.name}`).catch(() => undefined);
        const mtime = file?.mtime?.getTime();
        if (mtime !== undefined) {
          authFiles.push({ name: entry.name, ageSeconds: now - mtime / 1000 });
        }
      }
    }
    return {
      path,
      exists: true,
      symlink: info.isSymlink,
      ...(info.uid === null ? {} : { owner: info.uid }),
      ...(info.mode === null ? {} : { mode: info.mode }),
      authFiles,
    };
  } catch {
    return { path, exists: false, symlink: false, authFiles: [] };
  }
}
