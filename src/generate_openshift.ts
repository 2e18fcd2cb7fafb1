/**
 * `generate machineconfig` (OpenShift 4.21/4.22: the platform's provider
 * file with this provider added, written by a MachineConfig) and
 * `generate openshift-config` (4.22+: the `CRIOCredentialProviderConfig`
 * the operator renders, and the namespace RBAC).
 *
 * @module
 */

import { stringify } from "yaml";
import { providerEntry } from "../domain/deployment/kubelet_config_file.ts";
import {
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
import { type Manifest, namespaceRbac } from "../domain/deployment/rbac.ts";
import { PULL_SECRETS_ANNOTATION } from "../domain/credentials/pull_secret_annotation.ts";
import {
  type Artifacts,
  audienceOf,
  type GenerateIo,
  matchImages,
  openShiftMinor,
  type ParsedValues,
} from "./generate_flags.ts";
import { namespaceRbacOptions } from "./generate_rbac_args.ts";
import { UsageError } from "./usage_error.ts";

/** The provider entry as a YAML list item under `providers:`. */
function providerItem(provider: Manifest): string {
  return stringify([provider], { lineWidth: 0 }).replace(/^/gm, "  ").replace(/ +$/gm, "");
}

/**
 * The MachineConfig (and on 4.21 the `MachineConfiguration` that restarts
 * kubelet instead of rebooting) for the flags in `values`.
 *
 * @throws {UsageError} for bad flags; {Error} for a platform whose kubelet reads no provider config
 */
export function openShiftMachineConfig(values: ParsedValues, io: GenerateIo): Artifacts {
  const minor = openShiftMinor(values["openshift-version"], [21, 22]);
  const platformName = (values.platform ?? "").toLowerCase();
  const platform = Object.hasOwn(CLOUD_PLATFORMS, platformName)
    ? CLOUD_PLATFORMS[platformName]
    : undefined;
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
    audience: audienceOf(values.audience),
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

/**
 * The `CRIOCredentialProviderConfig` and namespace RBAC for the flags in
 * `values` (`args`: the command line, for the grouped namespace flags),
 * with a warning for each pattern the operator drops because it overlaps
 * a platform provider's.
 *
 * @throws {UsageError} for bad flags or a pattern OpenShift's API refuses
 */
export function openShiftConfig(values: ParsedValues, args: readonly string[]): Artifacts {
  const minor = openShiftMinor(values["openshift-version"], [22, 23, 24, 25]);
  const patterns = values["match-image"] ?? [];
  const problem = openShiftMatchImagesProblem(patterns);
  if (problem) throw new UsageError(`--match-image: ${problem}`);
  const platformName = values.platform?.toLowerCase();
  const known = [...Object.keys(CLOUD_PLATFORMS), ...FLAGLESS_PLATFORMS];
  if (platformName !== undefined && !known.includes(platformName)) {
    throw new UsageError(
      `--platform must be one of ${known.join(", ")}, got ${JSON.stringify(values.platform)}`,
    );
  }
  const platforms = platformName === undefined
    ? Object.entries(CLOUD_PLATFORMS)
    : Object.entries(CLOUD_PLATFORMS).filter(([name]) => name === platformName);
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
