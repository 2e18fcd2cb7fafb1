/**
 * The bytes a generated MachineConfig is meant to write, built from sources
 * independent of the generator's own platform table: the Machine Config
 * Operator's templates for each cloud platform's provider config
 * (`templates/common/<platform>/files/etc-kubernetes-credential-providers-*.yaml`,
 * copied from release-4.21 `db84d836`; identical in release-4.22 and 4.23;
 * `deno fmt` dropped only the Azure template's trailing blank line, which
 * the literal block clips anyway), followed by this provider's entry exactly
 * as `generate kubelet-config` writes it for the same flags.
 */

import { parse as parseYaml } from "yaml";
import { type CliResult, runCli } from "./run_cli.ts";

const GOLDEN = new URL("../testdata/generate/", import.meta.url).pathname;

/** The cloud platforms, with their provider's name (the executable kubelet runs). */
export const PLATFORMS = [
  { platform: "aws", provider: "ecr-credential-provider" },
  { platform: "gcp", provider: "gcr-credential-provider" },
  { platform: "azure", provider: "acr-credential-provider" },
] as const;

/** OpenShift minor → the Kubernetes minor it runs. */
export const KUBERNETES_OF_OPENSHIFT: Readonly<Record<string, string>> = {
  "4.21": "1.34",
  "4.22": "1.35",
};

/** A file as the operator's template writes it. */
export interface PlatformFile {
  readonly path: string;
  readonly mode: number;
  readonly contents: string;
}

/** The provider config file the operator writes on `platform`, from its template. */
export async function platformDefaultFile(platform: string): Promise<PlatformFile> {
  const provider = PLATFORMS.find((p) => p.platform === platform)?.provider;
  if (provider === undefined) throw new Error(`No template for platform ${platform}`);
  // YAML 1.1, as the operator reads its templates: `mode: 0644` is octal, 420.
  const text = await Deno.readTextFile(`${GOLDEN}mco-template-${provider}.yaml`);
  const template = parseYaml(text, { version: "1.1" }) as {
    path: string;
    mode: number;
    contents: { inline: string };
  };
  return { path: template.path, mode: template.mode, contents: template.contents.inline };
}

/** Runs `generate` with `args` through the real entry point. */
export async function generate(args: readonly string[]): Promise<CliResult> {
  return await runCli(["generate", ...args], {
    permissions: ["--allow-read", "--allow-write", "--allow-env"],
  });
}

/**
 * This provider's entry as `generate kubelet-config --kubernetes-version
 * <kubernetes>` writes it for `flags`: the list item under `providers:`.
 */
export async function ourProviderEntry(
  kubernetes: string,
  flags: readonly string[],
): Promise<string> {
  const result = await generate(["kubelet-config", "--kubernetes-version", kubernetes, ...flags]);
  if (result.code !== 0) throw new Error(`generate kubelet-config failed: ${result.stderr}`);
  const at = result.stdout.indexOf("\nproviders:\n");
  if (at === -1) throw new Error(`No providers in: ${result.stdout}`);
  return result.stdout.slice(at + "\nproviders:\n".length);
}

/**
 * The file a MachineConfig for OpenShift `openshift` on `platform` with
 * `flags` is meant to write: the platform's default kept verbatim, then ours.
 */
export async function intendedProviderFile(
  openshift: string,
  platform: string,
  flags: readonly string[],
): Promise<PlatformFile> {
  const kubernetes = KUBERNETES_OF_OPENSHIFT[openshift];
  if (kubernetes === undefined) throw new Error(`No Kubernetes for OpenShift ${openshift}`);
  const base = await platformDefaultFile(platform);
  return { ...base, contents: base.contents + await ourProviderEntry(kubernetes, flags) };
}
