/**
 * The per-file pipeline of containers/image's classic loader (`loadConfigFile`
 * and `postProcessRegistries` in sysregistriesv2, image ≤ v5.39 as vendored by
 * CRI-O 1.34–1.36), with its exact error texts and in its exact order:
 * decode, V1 handling, table checks, conflict check, search-registry check,
 * de-duplication and sorting, short-name mode, wildcard format, aliases.
 *
 * @module
 */

import { goQuote } from "../text/go_quote.ts";
import { isDomain } from "./image_reference.ts";
import type {
  Endpoint,
  PullFromMirror,
  RegistriesFile,
  Registry,
  ShortNameMode,
} from "./registries_model.ts";
import {
  decodeRegistriesToml,
  type EndpointSettings,
  type RegistriesFileSettings,
  type RegistrySettings,
} from "./registries_toml.ts";
import { isWildcardPrefix } from "./registry_match.ts";
import { validateShortNameAliases } from "./short_name_aliases.ts";

/** Options for {@linkcode parseRegistriesFile}. */
export interface ParseRegistriesFileOptions {
  /** Drop-ins must be in the V2 format; only the main file may be V1. @default false */
  readonly dropIn?: boolean;
}

/**
 * Parses and validates one registries.conf file.
 *
 * @example
 * ```ts
 * import { parseRegistriesFile } from "./registries_file.ts";
 * const file = parseRegistriesFile('[[registry]]\nlocation = "docker.io/"\n');
 * file.registries[0]?.prefix; // "docker.io"
 * ```
 * @throws {SyntaxError} with containers/image's message (without the file wrapper)
 */
export function parseRegistriesFile(
  text: string,
  options: ParseRegistriesFileOptions = {},
): RegistriesFile {
  let settings = decodeRegistriesToml(text);
  if (hasV1Fields(settings)) {
    if (options.dropIn) throw new SyntaxError("registry must be in v2 format but is in v1");
    if (hasV2Fields(settings)) {
      // containers/image appends a Go %#v dump of the decoded struct here, which
      // only Go can print; we name the keys that clash instead.
      throw new SyntaxError(`mixing sysregistry v1/v2 is not supported: ${describeMix(settings)}`);
    }
    settings = convertV1ToV2(settings);
  }
  const registries = postProcessRegistries(settings.registries ?? []);
  const unqualifiedSearchRegistries = settings.unqualifiedSearchRegistries?.map((entry) => {
    const registry = parseLocation(entry);
    if (!isDomain(registry)) {
      throw new SyntaxError(`Invalid unqualified-search-registries entry ${goQuote(registry)}`);
    }
    return registry;
  });
  const unique = new Map<string, Registry>();
  for (const registry of registries) {
    if (!unique.has(registry.prefix)) unique.set(registry.prefix, registry);
  }
  const sorted = [...unique.values()].sort(byPrefix);
  const shortNameMode = settings.shortNameMode === ""
    ? undefined
    : parseShortNameMode(settings.shortNameMode);
  for (const { prefix } of sorted) {
    if (isWildcardPrefix(prefix) && /[/@:]/.test(prefix)) {
      throw new SyntaxError(
        `Wildcarded prefix should be in the format: *.example.com. Current prefix ${
          goQuote(prefix)
        } is incorrectly formatted`,
      );
    }
  }
  let aliases;
  try {
    aliases = validateShortNameAliases(settings.aliases ?? new Map());
  } catch (error) {
    throw new SyntaxError(`validating short-name aliases: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    registries: sorted,
    ...(unqualifiedSearchRegistries === undefined ? {} : { unqualifiedSearchRegistries }),
    ...(settings.credentialHelpers === undefined
      ? {}
      : { credentialHelpers: settings.credentialHelpers }),
    ...(shortNameMode === undefined ? {} : { shortNameMode }),
    additionalLayerStoreAuthHelper: settings.additionalLayerStoreAuthHelper,
    aliases,
  };
}

/**
 * Orders tables as Go's `sort.Strings` does (byte order, which equals UTF-16
 * order for the ASCII names registries use).
 */
export function byPrefix(a: { prefix: string }, b: { prefix: string }): number {
  return a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0;
}

/** `registries = []` counts as set, exactly like Go's zero-value comparison. */
function hasV1Fields(s: RegistriesFileSettings): boolean {
  return s.v1Search !== undefined || s.v1Insecure !== undefined || s.v1Block !== undefined;
}

function hasV2Fields(s: RegistriesFileSettings): boolean {
  return s.registries !== undefined || s.unqualifiedSearchRegistries !== undefined ||
    s.credentialHelpers !== undefined || s.shortNameMode !== "" ||
    s.additionalLayerStoreAuthHelper !== "" || s.aliases !== undefined;
}

function describeMix(s: RegistriesFileSettings): string {
  const v1 = [
    ["registries.search", s.v1Search],
    ["registries.insecure", s.v1Insecure],
    ["registries.block", s.v1Block],
  ].filter(([, value]) => value !== undefined).map(([key]) => key);
  const v2 = [
    ["registry", s.registries !== undefined],
    ["unqualified-search-registries", s.unqualifiedSearchRegistries !== undefined],
    ["credential-helpers", s.credentialHelpers !== undefined],
    ["short-name-mode", s.shortNameMode !== ""],
    ["additional-layer-store-auth-helper", s.additionalLayerStoreAuthHelper !== ""],
    ["aliases", s.aliases !== undefined],
  ].filter(([, set]) => set).map(([key]) => key);
  return `v1 keys ${v1.join(", ")} with v2 keys ${v2.join(", ")}`;
}

/** containers/image `ConvertToV2`: each blocked or insecure host becomes one table. */
function convertV1ToV2(s: RegistriesFileSettings): RegistriesFileSettings {
  const tables = new Map<string, RegistrySettings>();
  const table = (entry: string): RegistrySettings => {
    const location = parseLocation(entry);
    let found = tables.get(location);
    if (found === undefined) {
      found = {
        prefix: location,
        location,
        insecure: false,
        pullFromMirror: "",
        blocked: false,
        mirrorByDigestOnly: false,
        mirrors: [],
      };
      tables.set(location, found);
    }
    return found;
  };
  for (const entry of s.v1Block ?? []) table(entry).blocked = true;
  for (const entry of s.v1Insecure ?? []) table(entry).insecure = true;
  return {
    shortNameMode: "",
    additionalLayerStoreAuthHelper: "",
    ...(tables.size === 0 ? {} : { registries: [...tables.values()] }),
    ...(s.v1Search === undefined ? {} : { unqualifiedSearchRegistries: s.v1Search }),
  };
}

/**
 * containers/image `parseLocation`: trailing slashes go, a URI scheme is an
 * error; anything else (even `""`) passes.
 */
function parseLocation(input: string): string {
  const trimmed = input.replace(/\/+$/, "");
  if (trimmed.startsWith("http://") || trimmed.startsWith("https://")) {
    throw new SyntaxError(`invalid location '${input}': URI schemes are not supported`);
  }
  return trimmed;
}

function postProcessRegistries(tables: readonly RegistrySettings[]): Registry[] {
  const registries = tables.map(postProcessRegistry);
  // Tables sharing a location (or, without one, a prefix) must agree on security settings.
  // containers/image compares each table with every table of its group, in order, and fails
  // on the first pair that differs (insecure checked before blocked); the same answer comes
  // from where each setting first takes each value in the group, in linear time.
  const groupKey = (r: Registry): string => r.location === "" ? r.prefix : r.location;
  const firsts = new Map<string, Record<`${"insecure" | "blocked"}:${boolean}`, number>>();
  registries.forEach((registry, index) => {
    const key = groupKey(registry);
    const first = firsts.get(key) ?? {} as Record<`${"insecure" | "blocked"}:${boolean}`, number>;
    first[`insecure:${registry.insecure}`] ??= index;
    first[`blocked:${registry.blocked}`] ??= index;
    firsts.set(key, first);
  });
  for (const registry of registries) {
    const first = firsts.get(groupKey(registry))!;
    const insecure = first[`insecure:${!registry.insecure}`] ?? Infinity;
    const blocked = first[`blocked:${!registry.blocked}`] ?? Infinity;
    if (insecure === Infinity && blocked === Infinity) continue;
    throw new SyntaxError(
      `registry '${registry.location}' is defined multiple times with conflicting '${
        insecure <= blocked ? "insecure" : "blocked"
      }' setting`,
    );
  }
  return registries;
}

function postProcessRegistry(table: RegistrySettings): Registry {
  const location = parseLocation(table.location);
  let prefix: string;
  if (table.prefix === "") {
    if (location === "") {
      throw new SyntaxError("invalid condition: both location and prefix are unset");
    }
    prefix = location;
  } else {
    prefix = parseLocation(table.prefix);
    if (!isWildcardPrefix(prefix) && location === "") {
      throw new SyntaxError(
        "invalid condition: location is unset and prefix is not in the format: *.example.com",
      );
    }
  }
  if (table.pullFromMirror !== "") {
    throw new SyntaxError(
      `pull-from-mirror must not be set for a non-mirror registry ${goQuote(prefix)}`,
    );
  }
  const mirrors = table.mirrors.map((mirror) => postProcessMirror(mirror, table, prefix));
  return {
    prefix,
    location,
    insecure: table.insecure,
    pullFromMirror: "",
    blocked: table.blocked,
    mirrorByDigestOnly: table.mirrorByDigestOnly,
    mirrors,
  };
}

function postProcessMirror(
  mirror: EndpointSettings,
  table: RegistrySettings,
  prefix: string,
): Endpoint {
  const location = parseLocation(mirror.location);
  if (location === "") throw new SyntaxError("invalid condition: mirror location is unset");
  if (table.mirrorByDigestOnly && mirror.pullFromMirror !== "") {
    throw new SyntaxError(
      `cannot set mirror usage mirror-by-digest-only for the registry (${
        goQuote(prefix)
      }) and pull-from-mirror for per-mirror (${goQuote(location)}) at the same time`,
    );
  }
  if (!isPullFromMirror(mirror.pullFromMirror)) {
    throw new SyntaxError(
      `unsupported pull-from-mirror value ${goQuote(mirror.pullFromMirror)} for mirror ${
        goQuote(location)
      }`,
    );
  }
  return { location, insecure: mirror.insecure, pullFromMirror: mirror.pullFromMirror };
}

function isPullFromMirror(value: string): value is PullFromMirror {
  return ["", "all", "digest-only", "tag-only"].includes(value);
}

function parseShortNameMode(mode: string): ShortNameMode {
  if (mode === "disabled" || mode === "enforcing" || mode === "permissive") return mode;
  throw new SyntaxError(`invalid short-name mode: ${goQuote(mode)}`);
}
