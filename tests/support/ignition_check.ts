/**
 * Runs `tests/ignition/cmd/ignition-check` (coreos/ignition's config/v3_5
 * parser and Ignition's data-URL decoding, behind `oc apply`'s YAML
 * handling) over YAML streams, and shapes its answers for comparison.
 */

import { askGoProgram } from "./go_oracle.ts";
import type { PlatformFile } from "./openshift_provider_files.ts";

/** The oracle, for `testWithGoProgram`. */
export const IGNITION_CHECK = { name: "ignition-check", module: "ignition" } as const;

/** A file as ignition-check reports it, its contents in base64. */
export interface CheckedFile {
  readonly path: string;
  readonly mode?: number;
  readonly overwrite?: boolean;
  readonly compression: string;
  readonly contents: string;
}

/** One MachineConfig as ignition-check reports it. */
export interface CheckedMachineConfig {
  readonly name: string;
  readonly version?: string;
  readonly error?: string;
  readonly report: readonly string[];
  readonly files?: readonly CheckedFile[];
}

/** One YAML stream as ignition-check reports it. */
export interface Checked {
  readonly error?: string;
  readonly kinds: readonly string[];
  readonly machineConfigs: readonly CheckedMachineConfig[];
}

/** What ignition-check reports for each YAML stream. */
export async function check(path: string, streams: readonly string[]): Promise<Checked[]> {
  return await askGoProgram(path, streams.map((yaml) => ({ yaml }))) as Checked[];
}

/** A file as Ignition writes it, its contents as text (every file here is UTF-8). */
export interface DecodedFile {
  readonly path: string;
  readonly mode: number | undefined;
  readonly overwrite: boolean | undefined;
  readonly compression: string;
  readonly contents: string;
}

/** `file` with its contents decoded from base64 to text. */
export function decoded(file: CheckedFile): DecodedFile {
  return {
    path: file.path,
    mode: file.mode,
    overwrite: file.overwrite,
    compression: file.compression,
    contents: new TextDecoder().decode(Uint8Array.fromBase64(file.contents)),
  };
}

/** The answer for one MachineConfig, with its files decoded. */
export function decodedMachineConfig(
  mc: CheckedMachineConfig,
): Omit<CheckedMachineConfig, "files"> & { files?: DecodedFile[] } {
  const { files, ...rest } = mc;
  return { ...rest, ...(files ? { files: files.map(decoded) } : {}) };
}

/**
 * What a clean parse of the MachineConfig `name` writing `files` looks like:
 * Ignition 3.5.0, nothing reported, each file with `overwrite: true`.
 */
export function cleanParse(
  name: string,
  files: readonly PlatformFile[],
  compression = "",
): Omit<CheckedMachineConfig, "files"> & { files: DecodedFile[] } {
  return {
    name,
    version: "3.5.0",
    report: [],
    files: files.map((file) => ({ ...file, overwrite: true, compression })),
  };
}
