/**
 * The repositories CRI-O may contact for an image, i.e. the names
 * containers/image will look credentials up under: every mirror of the
 * matching `[[registry]]` table (unfiltered: the kubelet request carries no
 * tag or digest), and the primary location, rewritten by the table's prefix.
 *
 * @module
 */

import { parseNormalizedReference, referenceName } from "../registries/image_reference.ts";
import { rewriteReference } from "../registries/pull_sources.ts";
import type { RegistriesConf } from "../registries/registries_model.ts";
import { findRegistry } from "../registries/registry_match.ts";

/** A repository containers/image contacts, and the endpoint location it comes from. */
export interface CredentialTarget {
  /** The physical repository name, e.g. `mirror.corp/dockerhub/library/nginx`. */
  readonly repository: string;
  /** The mirror's or the table's `location`, as configured. */
  readonly endpoint: string;
  readonly mirror: boolean;
}

/** Where credentials may go for one image. */
export interface CredentialTargets {
  /**
   * The locations that make a file worth writing: each mirror and, when the
   * table's `location` rewrites the prefix, that location (CRI-O pulls from
   * it, and upstream ignores it). Empty means "no mirrors".
   */
  readonly mirrors: readonly string[];
  /** Every repository to match secret keys against, mirrors first, primary last. */
  readonly targets: readonly CredentialTarget[];
}

/**
 * The credential targets of `image` (a normalized repository name).
 *
 * @example
 * ```ts
 * import { credentialTargets } from "./credential_targets.ts";
 * import { loadRegistriesConf } from "../registries/registries_conf.ts";
 * const conf = loadRegistriesConf({ dropIns: [], main: { path: "r.conf", text:
 *   '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "mirror.corp/hub"\n' } });
 * credentialTargets(conf, "docker.io/library/nginx").targets.map((t) => t.repository);
 * // ["mirror.corp/hub/library/nginx", "docker.io/library/nginx"]
 * ```
 * @throws {SyntaxError} when containers/image could not rewrite the name for an endpoint
 */
export function credentialTargets(conf: RegistriesConf, image: string): CredentialTargets {
  const table = findRegistry(conf, image);
  if (table === undefined) return { mirrors: [], targets: [] };
  const reference = parseNormalizedReference(image);
  // A location with a tag (or a digest) is never contacted: pulled by tag its rewrite fails,
  // pulled by digest the docker transport refuses a reference with both.
  const rewrite = (location: string) => {
    const rewritten = rewriteReference(reference, { prefix: table.prefix, location });
    return rewritten.tag === undefined && rewritten.digest === undefined
      ? referenceName(rewritten)
      : undefined;
  };
  const targets: CredentialTarget[] = [];
  for (const mirror of table.mirrors) {
    const repository = rewrite(mirror.location);
    if (repository !== undefined) {
      targets.push({ repository, endpoint: mirror.location, mirror: true });
    }
  }
  const mirrors = targets.map((target) => target.endpoint);
  const primary = rewrite(table.location);
  if (primary !== undefined) {
    targets.push({ repository: primary, endpoint: table.location || image, mirror: false });
    if (primary !== image) mirrors.push(table.location);
  }
  return { mirrors, targets };
}
