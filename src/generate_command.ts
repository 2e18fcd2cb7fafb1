/**
 * `crio-credential-provider generate …`: deployment artifacts for the user's
 * platform and versions, checked by the rules of whoever reads them.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Document } from "yaml";
import { DEFAULT_AUDIENCE } from "../domain/deployment/kubelet_config_file.ts";
import { type Manifest, namespaceRbac, nodeRbac } from "../domain/deployment/rbac.ts";
import { PULL_SECRETS_ANNOTATION } from "../domain/credentials/pull_secret_annotation.ts";
import {
  type Artifacts,
  audienceOf,
  type GenerateIo,
  KIND_FLAGS,
  OPTIONS,
  type ParsedValues,
} from "./generate_flags.ts";
import { kubeletConfig } from "./generate_kubelet_config.ts";
import { openShiftConfig, openShiftMachineConfig } from "./generate_openshift.ts";
import { namespaceRbacOptions } from "./generate_rbac_args.ts";
import { UsageError } from "./usage_error.ts";

export type { GenerateIo } from "./generate_flags.ts";

/** Usage of `generate`. */
export const GENERATE_USAGE = `Usage: crio-credential-provider generate KIND [flags]

Kinds:
  kubelet-config     kubelet's CredentialProviderConfig with this provider
      --match-image PATTERN…  (required) source registries that have mirrors
      --kubernetes-version V  1.33, 1.34, … (default 1.34)
      --audience URL          token audience (default ${DEFAULT_AUDIENCE})
      --merge PATH            keep the other providers of this config file or directory
      --arg FLAG…             flags kubelet passes to the provider
      --secret-annotation     let kubelet pass ${PULL_SECRETS_ANNOTATION}
  rbac               node ClusterRole and per-namespace Roles
      --audience URL
      --namespace NS [--service-account SA] [--secret NAME…]…
                              --secret names the pull secrets: get on those only, no list
  machineconfig      OpenShift 4.21/4.22 MachineConfig for AWS, GCP or Azure
      --openshift-version V --platform aws|azure|gcp --match-image PATTERN…
      [--audience URL] [--role worker] [--name NAME] [--arg FLAG…] [--secret-annotation]
  openshift-config   OpenShift 4.22+ CRIOCredentialProviderConfig and namespace RBAC
      --openshift-version V --match-image PATTERN… [--platform P]
      [--namespace NS [--service-account SA] [--secret NAME…]…]

Output: YAML (a stream for several objects); -o json for JSON (a List for several);
--output-dir DIR writes one file per object.
`;

function rbac(values: ParsedValues, args: readonly string[]): Artifacts {
  const audience = audienceOf(values.audience);
  return {
    manifests: [...nodeRbac(audience), ...namespaceRbacOptions(args).flatMap(namespaceRbac)],
    notes: [],
    warnings: [],
  };
}

function render(artifacts: Artifacts, json: boolean): string[] {
  if (json) return artifacts.manifests.map((m) => `${JSON.stringify(m, null, 2)}\n`);
  return artifacts.manifests.map((manifest, index) => {
    const document = new Document(manifest);
    if (index === 0 && artifacts.notes.length > 0) {
      document.commentBefore = artifacts.notes.map((note) => ` ${note}`).join("\n");
    }
    return document.toString({ lineWidth: 0 });
  });
}

/**
 * Runs `generate` with `args` (after the word `generate`).
 *
 * @example
 * ```ts ignore
 * import { runGenerateCommand } from "./generate_command.ts";
 * await runGenerateCommand(["kubelet-config", "--match-image", "docker.io"], io);
 * ```
 * @throws {UsageError} for bad arguments (exit 2); {Error} when an input cannot be used (exit 1)
 */
export async function runGenerateCommand(args: readonly string[], io: GenerateIo): Promise<void> {
  const [kind, ...rest] = args;
  let values: ParsedValues;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const allowed = kind !== undefined && Object.hasOwn(KIND_FLAGS, kind)
    ? KIND_FLAGS[kind]
    : undefined;
  const extra = allowed === undefined
    ? undefined
    : Object.keys(values).find((flag) => !allowed.includes(flag as keyof typeof OPTIONS));
  if (extra !== undefined) {
    throw new UsageError(`--${extra} does not apply to generate ${kind}`);
  }
  const format = values.output ?? "yaml";
  if (format !== "yaml" && format !== "json") {
    throw new UsageError(`--output must be yaml or json, got ${JSON.stringify(format)}`);
  }
  let artifacts: Artifacts;
  switch (kind) {
    case "kubelet-config":
      artifacts = await kubeletConfig(values, io);
      break;
    case "rbac":
      artifacts = rbac(values, rest);
      break;
    case "machineconfig":
      artifacts = openShiftMachineConfig(values, io);
      break;
    case "openshift-config":
      artifacts = openShiftConfig(values, rest);
      break;
    default:
      throw new UsageError(
        `A kind is required: kubelet-config, rbac, machineconfig or openshift-config, got ${
          JSON.stringify(kind ?? "")
        }`,
      );
  }
  for (const warning of artifacts.warnings) await io.stderr.write(`warning: ${warning}\n`);
  const json = format === "json";
  const rendered = render(artifacts, json);
  if (values["output-dir"] !== undefined) {
    await writeFiles(values["output-dir"], artifacts.manifests, rendered, json);
    return;
  }
  if (json) {
    for (const note of artifacts.notes) await io.stderr.write(`note: ${note}\n`);
    await io.stdout.write(
      rendered.length === 1
        ? rendered[0]!
        : `${
          JSON.stringify({ apiVersion: "v1", kind: "List", items: artifacts.manifests }, null, 2)
        }\n`,
    );
    return;
  }
  await io.stdout.write(rendered.join("---\n"));
}

async function writeFiles(
  dir: string,
  manifests: readonly Manifest[],
  rendered: readonly string[],
  json: boolean,
) {
  await Deno.mkdir(dir, { recursive: true });
  for (const [index, manifest] of manifests.entries()) {
    const metadata = manifest.metadata as { name?: string; namespace?: string } | undefined;
    const name = [metadata?.namespace, metadata?.name].filter(Boolean).join("-") || "config";
    const file = `${dir}/${String(index + 1).padStart(2, "0")}-${
      String(manifest.kind).toLowerCase()
    }-${name}.${json ? "json" : "yaml"}`;
    await Deno.writeTextFile(file, rendered[index]!);
  }
}
