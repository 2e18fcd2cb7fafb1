/**
 * `crio-credential-provider generate …`: deployment artifacts for the user's
 * platform and versions, checked by the rules of whoever reads them.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Document, stringify } from "yaml";
import { readTextIfExists } from "../adapters/text_files.ts";
import type { TextSink } from "../adapters/stdio.ts";
import {
  type CredentialProviderConfig,
  tokenGateDefault,
  validateCredentialProviderConfig,
} from "../domain/deployment/kubelet_config.ts";
import {
  DEFAULT_AUDIENCE,
  mergeProvider,
  parseCredentialProviderConfig,
  providerEntry,
} from "../domain/deployment/kubelet_config_file.ts";
import {
  kubeletMatchImageProblem,
  openShiftMatchImagesProblem,
  scopeIsNestedInsideScope,
} from "../domain/deployment/match_images.ts";
import {
  CLOUD_PLATFORMS,
  crioCredentialProviderConfig,
  FLAGLESS_PLATFORMS,
  kubeletRestartPolicy,
  machineConfig,
  platformProviderFile,
} from "../domain/deployment/openshift.ts";
import { type Manifest, namespaceRbac, nodeRbac } from "../domain/deployment/rbac.ts";
import { PULL_SECRETS_ANNOTATION } from "../domain/credentials/pull_secret_annotation.ts";
import { namespaceRbacOptions } from "./generate_rbac_args.ts";
import { UsageError } from "./usage_error.ts";

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
      [--role worker] [--name NAME] [--arg FLAG…] [--secret-annotation]
  openshift-config   OpenShift 4.22+ CRIOCredentialProviderConfig and namespace RBAC
      --openshift-version V --match-image PATTERN… [--platform P]
      [--namespace NS [--service-account SA] [--secret NAME…]…]

Output: YAML (a stream for several objects); -o json for JSON (a List for several);
--output-dir DIR writes one file per object.
`;

const OPTIONS = {
  "match-image": { type: "string", multiple: true },
  "kubernetes-version": { type: "string" },
  "openshift-version": { type: "string" },
  audience: { type: "string" },
  merge: { type: "string" },
  arg: { type: "string", multiple: true },
  "secret-annotation": { type: "boolean" },
  namespace: { type: "string", multiple: true },
  "service-account": { type: "string", multiple: true },
  secret: { type: "string", multiple: true },
  platform: { type: "string" },
  role: { type: "string" },
  name: { type: "string" },
  output: { type: "string", short: "o" },
  "output-dir": { type: "string" },
} as const;

/** What `generate` needs from its surroundings. */
export interface GenerateIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** The executable's file name, which must be the provider's name in kubelet's config. */
  readonly executableName: string;
}

/** One artifact: the objects, and notes for the reader (YAML comments; stderr for JSON). */
interface Artifacts {
  readonly manifests: readonly Manifest[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

function kubernetesMinor(value: string | undefined): number {
  const match = /^v?1\.([0-9]+)(?:\.[0-9]+)?$/.exec(value ?? "1.34");
  const minor = Number(match?.[1]);
  if (!match || minor < 33) {
    throw new UsageError(
      `--kubernetes-version must be 1.33 or later (service-account tokens for credential providers), got ${
        JSON.stringify(value)
      }`,
    );
  }
  return minor;
}

function openShiftMinor(value: string | undefined, allowed: readonly number[]): number {
  const match = /^4\.([0-9]+)(?:\.[0-9]+)?$/.exec(value ?? "");
  const minor = Number(match?.[1]);
  if (!match || !allowed.includes(minor)) {
    throw new UsageError(
      `--openshift-version must be one of ${allowed.map((m) => `4.${m}`).join(", ")}, got ${
        JSON.stringify(value ?? "")
      }`,
    );
  }
  return minor;
}

function matchImages(values: readonly string[] | undefined): readonly string[] {
  const patterns = values ?? [];
  if (patterns.length === 0) throw new UsageError("--match-image is required (at least one)");
  for (const pattern of patterns) {
    const problem = kubeletMatchImageProblem(pattern);
    if (problem) {
      throw new UsageError(
        `--match-image ${JSON.stringify(pattern)}: match image is invalid: ${problem}`,
      );
    }
  }
  return patterns;
}

function audienceOf(value: string | undefined): string {
  const audience = value ?? DEFAULT_AUDIENCE;
  if (audience === "" || /\s/.test(audience)) {
    throw new UsageError(
      `--audience must be a non-empty string without spaces, got ${JSON.stringify(audience)}`,
    );
  }
  return audience;
}

/** The provider entry as a YAML list item under `providers:`. */
function providerItem(provider: Manifest): string {
  return stringify([provider], { lineWidth: 0 }).replace(/^/gm, "  ").replace(/ +$/gm, "");
}

async function readConfigs(path: string, minor: number): Promise<CredentialProviderConfig> {
  let names: string[] = [];
  try {
    if ((await Deno.stat(path)).isDirectory) {
      for await (const entry of Deno.readDir(path)) {
        if (entry.isFile && /\.(json|ya?ml)$/.test(entry.name)) names.push(entry.name);
      }
      names = names.sort().map((name) => `${path}/${name}`);
      if (names.length === 0) {
        // kubelet's own words for this, so the failure reads as kubelet would report it.
        throw new Error(
          `Cannot merge into ${JSON.stringify(path)}: no configuration files found in directory`,
        );
      }
    } else {
      names = [path];
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`Cannot merge into ${JSON.stringify(path)}: it does not exist`, {
        cause: error,
      });
    }
    throw error;
  }
  const providers = [];
  for (const name of names) {
    const text = await readTextIfExists(name, "credential provider config");
    try {
      providers.push(...parseCredentialProviderConfig(text ?? "", { minor }).providers);
    } catch (error) {
      throw new Error(
        `Cannot merge into ${JSON.stringify(path)}: error decoding config ${
          JSON.stringify(name)
        }: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return { apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig", providers };
}

async function kubeletConfig(values: ParsedValues, io: GenerateIo): Promise<Artifacts> {
  const minor = kubernetesMinor(values["kubernetes-version"]);
  const provider = providerEntry({
    name: io.executableName,
    matchImages: matchImages(values["match-image"]),
    minor,
    audience: audienceOf(values.audience),
    args: values.arg ?? [],
    ...(values["secret-annotation"] ? { optionalAnnotationKeys: [PULL_SECRETS_ANNOTATION] } : {}),
  });
  const base = values.merge === undefined
    ? {
      apiVersion: "kubelet.config.k8s.io/v1",
      kind: "CredentialProviderConfig" as const,
      providers: [],
    }
    : await readConfigs(values.merge, minor);
  const config = mergeProvider(base, provider);
  const errors = validateCredentialProviderConfig(config, { minor, tokenGate: true });
  if (errors.length > 0) {
    throw new Error(
      `Cannot generate the kubelet config: failed to validate credential provider config: [${
        errors.join(", ")
      }]`,
    );
  }
  const notes = [
    `For Kubernetes 1.${minor}: kubelet --image-credential-provider-config=<this file>` +
    ` --image-credential-provider-bin-dir=<the directory of ${io.executableName}>.`,
    ...(tokenGateDefault(minor) ? [] : [
      "Kubernetes 1.33: start kubelet with --feature-gates=KubeletServiceAccountTokenForCredentialProviders=true.",
    ]),
  ];
  return { manifests: [config as unknown as Manifest], notes, warnings: [] };
}

function rbac(values: ParsedValues, args: readonly string[]): Artifacts {
  const audience = audienceOf(values.audience);
  return {
    manifests: [...nodeRbac(audience), ...namespaceRbacOptions(args).flatMap(namespaceRbac)],
    notes: [],
    warnings: [],
  };
}

function openShiftMachineConfig(values: ParsedValues, io: GenerateIo): Artifacts {
  const minor = openShiftMinor(values["openshift-version"], [21, 22]);
  const platformName = (values.platform ?? "").toLowerCase();
  const platform = CLOUD_PLATFORMS[platformName];
  if (platform === undefined) {
    if ((FLAGLESS_PLATFORMS as readonly string[]).includes(platformName)) {
      throw new Error(
        `Cannot deploy through a MachineConfig on OpenShift 4.${minor} platform ${
          JSON.stringify(platformName)
        }: ` +
          "its kubelet runs without credential-provider flags (only AWS, GCP and Azure have them); " +
          "use OpenShift 4.23 or later with generate openshift-config, whose operator wires the kubelet up",
      );
    }
    throw new UsageError(
      `--platform must be one of aws, azure, gcp, got ${JSON.stringify(values.platform ?? "")}`,
    );
  }
  const role = values.role ?? "worker";
  const provider = providerEntry({
    name: io.executableName,
    matchImages: matchImages(values["match-image"]),
    minor: minor + 13, // OpenShift 4.21 runs Kubernetes 1.34
    args: values.arg ?? [],
    ...(values["secret-annotation"] ? { optionalAnnotationKeys: [PULL_SECRETS_ANNOTATION] } : {}),
  });
  const contents = platformProviderFile(platform, providerItem(provider as unknown as Manifest));
  return {
    manifests: [
      machineConfig({
        name: values.name ?? `99-${role}-crio-credential-provider`,
        role,
        path: platform.file,
        contents,
      }),
      // 4.22 ships this policy as a default; on 4.21 the change would reboot every node.
      ...(minor === 21 ? [kubeletRestartPolicy()] : []),
    ],
    notes: [
      `OpenShift 4.${minor}, ${platformName}: ${platform.file} keeps the platform's provider and adds ${io.executableName}.`,
      "Mirrors belong in ImageDigestMirrorSet/ImageTagMirrorSet objects, never in a MachineConfig that",
      "overwrites /etc/containers/registries.conf (the operator's 99-<pool>-generated-registries wins).",
      "No FeatureGate change is needed: Kubernetes 1.34 enables service-account tokens for providers.",
      ...(minor === 21
        ? [
          "The MachineConfiguration restarts kubelet on this change instead of rebooting every node;",
          "merge its nodeDisruptionPolicy into the cluster's object if it already has one.",
        ]
        : []),
    ],
    warnings: [],
  };
}

function openShiftConfig(values: ParsedValues, args: readonly string[]): Artifacts {
  const minor = openShiftMinor(values["openshift-version"], [22, 23, 24, 25]);
  const patterns = values["match-image"] ?? [];
  const problem = openShiftMatchImagesProblem(patterns);
  if (problem) throw new UsageError(`--match-image: ${problem}`);
  const platforms = values.platform === undefined
    ? Object.entries(CLOUD_PLATFORMS)
    : Object.entries(CLOUD_PLATFORMS).filter(([name]) => name === values.platform?.toLowerCase());
  const warnings = patterns.flatMap((pattern) =>
    platforms.flatMap(([name, platform]) =>
      platform.matchImages.filter((own) =>
        scopeIsNestedInsideScope(pattern, own) || scopeIsNestedInsideScope(own, pattern)
      )
        .map((own) =>
          `--match-image ${JSON.stringify(pattern)} overlaps ${
            JSON.stringify(own)
          } of the ${name} platform provider: ` +
          "the Machine Config Operator drops it there"
        )
    )
  );
  return {
    manifests: [
      crioCredentialProviderConfig(patterns, { minor }),
      ...namespaceRbacOptions(args).flatMap(namespaceRbac),
    ],
    notes: [
      minor === 22
        ? "OpenShift 4.22: config.openshift.io/v1alpha1 exists only on Tech Preview clusters, which cannot be upgraded."
        : `OpenShift 4.${minor}: the cluster object exists already; apply this to set spec.matchImages.`,
      "The node RBAC ships with OpenShift 4.22+ (node-credential-providers); the namespace RBAC does not.",
    ],
    warnings,
  };
}

type ParsedValues = {
  readonly [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[]
    : (typeof OPTIONS)[K] extends { type: "boolean" } ? boolean
    : string;
};

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
