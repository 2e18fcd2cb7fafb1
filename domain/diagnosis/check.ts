/**
 * One `doctor` finding: pass, warn or fail, with one line of evidence and,
 * unless it passed, one line saying what to change.
 *
 * @module
 */

/** The outcome of one check. */
export type CheckStatus = "pass" | "warn" | "fail";

/** One check's finding. */
export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly evidence: string;
  readonly remedy?: string;
}

/** A passing check. */
export function pass(name: string, evidence: string): Check {
  return { name, status: "pass", evidence };
}

/** A warning: the provider works, but not as well as it should. */
export function warn(name: string, evidence: string, remedy: string): Check {
  return { name, status: "warn", evidence, remedy };
}

/** A failure: pulls will not get the namespace's credentials. */
export function fail(name: string, evidence: string, remedy: string): Check {
  return { name, status: "fail", evidence, remedy };
}

/** A version as `[major, minor, patch]`, or `undefined` when `text` holds none. */
export function versionOf(text: string): [number, number, number] | undefined {
  const match = /(?:^|[^0-9.])v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?/.exec(text);
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/** Whether `version` is at least `minimum`. */
export function atLeast(version: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    const a = version[i] ?? 0;
    const b = minimum[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/**
 * The value of a command-line flag (`--flag=value` or `--flag value`), the
 * last one winning, as Go's flag packages read it.
 *
 * @example
 * ```ts
 * import { flagValue } from "./check.ts";
 * flagValue(["kubelet", "--config=/a", "--config", "/b"], "config"); // "/b"
 * ```
 */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  for (let at = 0; at < args.length; at++) {
    const arg = args[at]!;
    for (const prefix of [`--${flag}`, `-${flag}`]) {
      if (arg === prefix && at + 1 < args.length) value = args[at + 1];
      else if (arg.startsWith(`${prefix}=`)) value = arg.slice(prefix.length + 1);
    }
  }
  return value;
}
