/**
 * The questions of the registries differential tests against containers/image
 * v5.38 (`tests/cimage/registries_*_test.ts`) and the answers of both sides in
 * one comparable shape: the port's through the same entry points as the
 * `mirrors` command, the oracle's as `cimage-oracle` prints them.
 */

import { readRegistriesSources } from "../../adapters/registries_files.ts";
import {
  parseNormalizedReference,
  referenceName,
  referenceString,
} from "../../domain/registries/image_reference.ts";
import { pullSources, TAGGED_DIGEST_REFUSAL } from "../../domain/registries/pull_sources.ts";
import { loadRegistriesConf } from "../../domain/registries/registries_conf.ts";
import type { Registry } from "../../domain/registries/registries_model.ts";
import { findRegistry } from "../../domain/registries/registry_match.ts";
import type { RegistriesAnswer, RegistriesRequest } from "./cimage_protocol.ts";
import { ZERO_DIGEST } from "./random_registries_v538.ts";
import type { TreeEntry } from "./temp_tree.ts";

/** One scenario on disk: the files under `root`, and where the loader looks. */
export interface Setting {
  readonly where: string;
  readonly root: string;
  readonly files: Record<string, TreeEntry>;
  /** Explicit main file / drop-in directory, relative to `root`. */
  readonly conf?: string;
  readonly confDir?: string;
}

/** An image to pull (tag or digest; a bare name is asked as a digest pull) or a raw lookup. */
export type Ask = { readonly image: string } | { readonly lookup: string };

export interface Question {
  readonly setting: Setting;
  readonly ask: Ask;
}

/** A source: its rewritten reference and what the docker transport does with it. */
export interface ComparableSource {
  readonly reference: string;
  /** `contacted`, `blocked`, or `refused: <message>` for any other refusal. */
  readonly status: string;
}

export type Comparable =
  | { readonly error: string }
  | { readonly imageError: string }
  | {
    readonly registry: Record<string, unknown> | null;
    readonly mirrors: readonly Record<string, unknown>[];
    readonly sourcesError?: string;
    readonly sources?: readonly ComparableSource[];
  };

/**
 * An error as both sides can word it: the README's deliberate differences
 * keep only what they share. A TOML syntax error keeps its file and line
 * (`toml: line N`), as the wording is the parser's; a decoding error
 * (`incompatible types`, `type mismatch`) is compared whole. The "mixing"
 * error keeps its start, which Go completes with a struct dump.
 */
function comparableError(message: string): string {
  const mixing = /^(.*mixing sysregistry v1\/v2 is not supported)/s.exec(message);
  if (mixing) return mixing[1]!;
  const toml = /^(.*?toml: line \d+)(?: \(last key "(?:\\.|[^"\\])*"\))?: (.*)$/s.exec(message);
  if (toml && !/^(?:incompatible types|type mismatch)/.test(toml[2]!)) {
    return `${toml[1]}: (syntax error)`;
  }
  return message;
}

function comparableRegistry(registry: {
  prefix: string;
  location: string;
  insecure: boolean;
  blocked: boolean;
  mirrorByDigestOnly: boolean;
  pullFromMirror: string;
}): Record<string, unknown> {
  return {
    prefix: registry.prefix,
    location: registry.location,
    insecure: registry.insecure,
    blocked: registry.blocked,
    mirrorByDigestOnly: registry.mirrorByDigestOnly,
    pullFromMirror: registry.pullFromMirror,
  };
}

function comparableResolution(
  registry: Parameters<typeof comparableRegistry>[0] | null | undefined,
  mirrors: readonly { location: string; insecure: boolean; pullFromMirror: string }[],
  rest: { sourcesError?: string; sources?: readonly ComparableSource[] },
): Comparable {
  return {
    registry: registry ? comparableRegistry(registry) : null,
    mirrors: mirrors.map((m) => ({
      location: m.location,
      insecure: m.insecure,
      pullFromMirror: m.pullFromMirror,
    })),
    ...(rest.sourcesError === undefined ? {} : { sourcesError: rest.sourcesError }),
    ...(rest.sources === undefined ? {} : { sources: rest.sources }),
  };
}

export function oracleComparable(answer: RegistriesAnswer): Comparable {
  if ("error" in answer) return { error: comparableError(answer.error) };
  if ("imageError" in answer) return { imageError: answer.imageError };
  return comparableResolution(answer.registry, answer.mirrors, {
    ...(answer.sourcesError === undefined ? {} : { sourcesError: answer.sourcesError }),
    ...(answer.sources === undefined ? {} : {
      sources: answer.sources.map((s) => ({
        reference: s.reference,
        status: s.refused === null
          ? "contacted"
          : /^registry \S+ is blocked in /.test(s.refused)
          ? "blocked"
          : `refused: ${s.refused}`,
      })),
    }),
  });
}

/** The image as asked: a bare name is a digest pull (so that digest-only mirrors show). */
export function pulled(image: string): string {
  const reference = parseNormalizedReference(image);
  return reference.tag === undefined && reference.digest === undefined
    ? `${image}@${ZERO_DIGEST}`
    : image;
}

function absolute(setting: Setting, relative: string | undefined): string | undefined {
  return relative === undefined ? undefined : `${setting.root}/${relative}`;
}

/** The port's answers to the questions of one setting, through the same entry points as `mirrors`. */
export async function portAnswers(setting: Setting, asks: readonly Ask[]): Promise<Comparable[]> {
  let conf;
  try {
    const confPath = absolute(setting, setting.conf);
    const confDirPath = absolute(setting, setting.confDir);
    conf = loadRegistriesConf(
      await readRegistriesSources({
        root: setting.root,
        home: `${setting.root}/home`,
        ...(confPath === undefined ? {} : { confPath }),
        ...(confDirPath === undefined ? {} : { confDirPath }),
      }),
    );
  } catch (error) {
    const failed = { error: comparableError((error as Error).message) };
    return asks.map(() => failed);
  }
  return asks.map((ask) => {
    if ("lookup" in ask) {
      const registry = findRegistry(conf, ask.lookup);
      return comparableResolution(registry, registry?.mirrors ?? [], {});
    }
    let reference;
    try {
      reference = parseNormalizedReference(ask.image);
    } catch (error) {
      return { imageError: (error as Error).message };
    }
    const registry: Registry | undefined = findRegistry(conf, referenceName(reference));
    const mirrors = registry?.mirrors ?? [];
    try {
      const plan = pullSources(conf, reference);
      return comparableResolution(registry, mirrors, {
        sources: plan.sources.map((s) => ({
          reference: referenceString(s.reference),
          // The transport checks the reference before it looks the endpoint up.
          status: s.taggedDigest
            ? `refused: ${TAGGED_DIGEST_REFUSAL}`
            : s.blocked
            ? "blocked"
            : "contacted",
        })),
      });
    } catch (error) {
      return comparableResolution(registry, mirrors, { sourcesError: (error as Error).message });
    }
  });
}

export function oracleRequest(question: Question, repeat: number): RegistriesRequest {
  const { setting, ask } = question;
  return {
    op: "registries",
    conf: absolute(setting, setting.conf) ?? null,
    confDir: absolute(setting, setting.confDir) ?? null,
    root: setting.root,
    home: `${setting.root}/home`,
    repeat,
    ...ask,
  };
}
