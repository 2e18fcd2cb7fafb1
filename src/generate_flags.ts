/**
 * The flags of `generate`, what each artifact kind returns, and the checks
 * of the flags several kinds share (versions, patterns, the audience).
 *
 * @module
 */

import type { TextSink } from "../adapters/stdio.ts";
import { DEFAULT_AUDIENCE } from "../domain/deployment/kubelet_config_file.ts";
import { kubeletMatchImageProblem } from "../domain/deployment/match_images.ts";
import type { Manifest } from "../domain/deployment/rbac.ts";
import { UsageError } from "./usage_error.ts";

/** The flags of every kind, for `parseArgs`. */
export const OPTIONS = {
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

/** Flags every kind takes. */
const OUTPUT_FLAGS = ["output", "output-dir"] as const;

/**
 * The flags each kind reads; any other is refused, so that a flag that would
 * be silently ignored (`--merge` for a MachineConfig, whose file must be the
 * platform's own) is a usage error.
 */
export const KIND_FLAGS: Readonly<Record<string, readonly (keyof typeof OPTIONS)[]>> = {
  "kubelet-config": [
    "match-image",
    "kubernetes-version",
    "audience",
    "merge",
    "arg",
    "secret-annotation",
    ...OUTPUT_FLAGS,
  ],
  rbac: ["audience", "namespace", "service-account", "secret", ...OUTPUT_FLAGS],
  machineconfig: [
    "openshift-version",
    "platform",
    "match-image",
    "audience",
    "role",
    "name",
    "arg",
    "secret-annotation",
    ...OUTPUT_FLAGS,
  ],
  "openshift-config": [
    "openshift-version",
    "match-image",
    "platform",
    "namespace",
    "service-account",
    "secret",
    ...OUTPUT_FLAGS,
  ],
};

/** The parsed flags. */
export type ParsedValues = {
  readonly [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[]
    : (typeof OPTIONS)[K] extends { type: "boolean" } ? boolean
    : string;
};

/** What `generate` needs from its surroundings. */
export interface GenerateIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** The executable's file name, which must be the provider's name in kubelet's config. */
  readonly executableName: string;
}

/** One artifact: the objects, and notes for the reader (YAML comments; stderr for JSON). */
export interface Artifacts {
  readonly manifests: readonly Manifest[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * The Kubernetes minor version of `--kubernetes-version` (default 1.34).
 *
 * @throws {UsageError} for a version before 1.33 or not of the form 1.N[.P]
 */
export function kubernetesMinor(value: string | undefined): number {
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

/**
 * The OpenShift minor version of `--openshift-version`, one of `allowed`.
 *
 * @throws {UsageError} for a version not in `allowed`
 */
export function openShiftMinor(value: string | undefined, allowed: readonly number[]): number {
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

/**
 * The `--match-image` patterns, each one kubelet accepts.
 *
 * @throws {UsageError} when there is none, or for a pattern kubelet refuses
 */
export function matchImages(values: readonly string[] | undefined): readonly string[] {
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

/**
 * The `--audience` (default {@linkcode DEFAULT_AUDIENCE}).
 *
 * @throws {UsageError} for an empty audience or one with spaces
 */
export function audienceOf(value: string | undefined): string {
  const audience = value ?? DEFAULT_AUDIENCE;
  if (audience === "" || /\s/.test(audience)) {
    throw new UsageError(
      `--audience must be a non-empty string without spaces, got ${JSON.stringify(audience)}`,
    );
  }
  return audience;
}
