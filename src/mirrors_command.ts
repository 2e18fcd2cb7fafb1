/**
 * `crio-credential-provider mirrors [--registries-conf PATH] [--registries-conf-dir PATH] [--json] IMAGE`:
 * shows which `[[registry]]` table serves IMAGE, its mirrors, and the
 * endpoints containers/image would pull from, in order.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { readRegistriesSources } from "../adapters/registries_files.ts";
import type { TextSink } from "../adapters/stdio.ts";
import {
  type ImageReference,
  parseNormalizedReference,
  referenceString,
} from "../domain/registries/image_reference.ts";
import { pullSources } from "../domain/registries/pull_sources.ts";
import { loadRegistriesConf } from "../domain/registries/registries_conf.ts";
import type { Endpoint, Registry } from "../domain/registries/registries_model.ts";
import { UsageError } from "./usage_error.ts";

/** Usage text of the `mirrors` command. */
export const MIRRORS_USAGE =
  `Usage: crio-credential-provider mirrors [--registries-conf PATH] [--registries-conf-dir PATH] [--json] IMAGE

Shows the registries.conf table that serves IMAGE, its mirrors and the pull
sources containers/image tries, in order (classic loader, as CRI-O 1.34-1.36).

  IMAGE                       nginx, quay.io/ns/app:1.0 or name@sha256:...
  --registries-conf PATH      main file (default /etc/containers/registries.conf,
                              or $HOME/.config/containers/registries.conf when present)
  --registries-conf-dir PATH  drop-in directory (default /etc/containers/registries.conf.d,
                              then $HOME/.config/containers/registries.conf.d)
  --json                      print one JSON object
`;

/** What the command needs from its surroundings. */
export interface MirrorsCommandDeps {
  readonly stdout: TextSink;
  /** Home directory for the user-level files containers/image reads. */
  readonly home?: string;
}

interface MirrorsArgs {
  readonly image: ImageReference;
  readonly json: boolean;
  readonly confPath?: string;
  readonly confDirPath?: string;
}

function parseMirrorsArgs(args: readonly string[]): MirrorsArgs | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        "registries-conf": { type: "string" },
        "registries-conf-dir": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length !== 1) throw new UsageError("Expected exactly one IMAGE argument");
  const [value = ""] = positionals;
  let image;
  try {
    image = parseNormalizedReference(value);
  } catch (error) {
    throw new UsageError(
      `Invalid image reference ${JSON.stringify(value)}: ${(error as Error).message}`,
    );
  }
  return {
    image,
    json: values.json,
    ...(values["registries-conf"] === undefined ? {} : { confPath: values["registries-conf"] }),
    ...(values["registries-conf-dir"] === undefined
      ? {}
      : { confDirPath: values["registries-conf-dir"] }),
  };
}

function registryJson(registry: Registry): Record<string, unknown> {
  return {
    prefix: registry.prefix,
    location: registry.location,
    insecure: registry.insecure,
    blocked: registry.blocked,
    mirrorByDigestOnly: registry.mirrorByDigestOnly,
  };
}

function mirrorJson(mirror: Endpoint): Record<string, unknown> {
  return {
    location: mirror.location,
    insecure: mirror.insecure,
    pullFromMirror: mirror.pullFromMirror || "all",
  };
}

function flags(entries: Record<string, boolean | string>): string {
  const set = Object.entries(entries).filter(([, on]) => on).map(([name, value]) =>
    value === true ? name : `${name}=${value}`
  );
  return set.length === 0 ? "" : ` (${set.join(", ")})`;
}

function humanOutput(
  image: ImageReference,
  registry: Registry | undefined,
  sources: readonly string[],
): string {
  const lines = [`image:        ${referenceString(image)}`];
  if (registry === undefined) {
    lines.push("registry:     none (no [[registry]] table matches)");
  } else {
    lines.push(
      `registry:     prefix "${registry.prefix}", location "${registry.location}"${
        flags({
          insecure: registry.insecure,
          blocked: registry.blocked,
          "mirror-by-digest-only": registry.mirrorByDigestOnly,
        })
      }`,
    );
    lines.push(registry.mirrors.length === 0 ? "mirrors:      none" : "mirrors:");
    for (const mirror of registry.mirrors) {
      lines.push(
        `  ${mirror.location}${
          flags({ insecure: mirror.insecure, "pull-from-mirror": mirror.pullFromMirror })
        }`,
      );
    }
  }
  lines.push(sources.length === 0 ? "pull sources: none (blocked)" : "pull sources:");
  for (const source of sources) lines.push(`  ${source}`);
  return `${lines.join("\n")}\n`;
}

/**
 * Runs the `mirrors` command.
 *
 * @example
 * ```ts
 * import { runMirrorsCommand } from "./mirrors_command.ts";
 * import { stdout } from "../adapters/stdio.ts";
 * await runMirrorsCommand(["--json", "nginx"], { stdout });
 * ```
 * @throws {UsageError} for bad arguments
 * @throws {Error} when the configuration cannot be read or is invalid (the message names the file)
 */
export async function runMirrorsCommand(
  args: readonly string[],
  deps: MirrorsCommandDeps,
): Promise<void> {
  const parsed = parseMirrorsArgs(args);
  if (parsed === "help") {
    await deps.stdout.write(MIRRORS_USAGE);
    return;
  }
  const sources = await readRegistriesSources({
    ...(parsed.confPath === undefined ? {} : { confPath: parsed.confPath }),
    ...(parsed.confDirPath === undefined ? {} : { confDirPath: parsed.confDirPath }),
    ...(deps.home === undefined ? {} : { home: deps.home }),
  });
  const conf = loadRegistriesConf(sources);
  const image = parsed.image;
  // A bare name stands for "any tag or digest": list every mirror a digest pull may use.
  const bare = image.tag === undefined && image.digest === undefined;
  const plan = pullSources(conf, image, { digested: bare || image.digest !== undefined });
  // Refused endpoints (blocked, or a tag and a digest) get no connection: they are not pull sources.
  const contacted = plan.sources.filter((s) => !s.blocked && !s.taggedDigest).map((s) =>
    referenceString(s.reference)
  );
  if (parsed.json) {
    await deps.stdout.write(
      `${
        JSON.stringify({
          image: referenceString(image),
          registry: plan.registry === undefined ? null : registryJson(plan.registry),
          mirrors: (plan.registry?.mirrors ?? []).map(mirrorJson),
          pullSources: contacted,
        })
      }\n`,
    );
  } else {
    await deps.stdout.write(humanOutput(image, plan.registry, contacted));
  }
}
