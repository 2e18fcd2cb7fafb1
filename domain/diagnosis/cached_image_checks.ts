/**
 * `doctor`'s checks of what keeps another namespace from starting a cached
 * private image: kubelet's pull records, CRI-O's image references, and the
 * node keyring (`../shared/spec/cached-images.md` §3–§4).
 *
 * @module
 */

import { goQuote } from "../text/go_quote.ts";
import { atLeast, type Check, pass, versionOf, warn } from "./check.ts";
import { kubeletMinor } from "./kubelet_checks.ts";
import type { NodeFacts } from "./node_facts.ts";
import { covers } from "./pattern_covers.ts";

/** What keeps another namespace from starting a cached private image (cached-images.md §3–§4). */
export function cachedImageChecks(
  facts: NodeFacts,
  matchImages: readonly string[] | undefined,
): Check[] {
  const name = "cached images stay per namespace";
  const problems: string[] = [];
  const minor = kubeletMinor(facts);
  // The gate's default follows the release (on from 1.35); without a version it is unknown.
  const gate = facts.imagePull.ensureSecretPulledImages ??
    (minor === undefined ? undefined : minor >= 35);
  if (gate === undefined) {
    problems.push(
      "kubelet's version is unknown, so whether KubeletEnsureSecretPulledImages is on is unknown",
    );
  } else if (!gate) {
    problems.push("KubeletEnsureSecretPulledImages is off, so kubelet never checks cached images");
  }
  if (facts.imagePull.verificationPolicy === "NeverVerify") {
    problems.push("imagePullCredentialsVerificationPolicy is NeverVerify");
  }
  if ("value" in facts.crio.version) {
    const version = versionOf(facts.crio.version.value);
    if (
      version !== undefined && !atLeast(version, [1, 36, 0]) &&
      !(version[1] === 35 && atLeast(version, [1, 35, 2]))
    ) {
      problems.push(
        "CRI-O before 1.35.2 / 1.36.0 reports another image reference than kubelet records",
      );
    }
  }
  // The keys themselves are not shown: a damaged one may hold a password glued to a host. The
  // patterns they fall under come from the kubelet config, which holds no credential.
  const keys = facts.imagePull.nodeKeyringKeys;
  const overlap = (pattern: string, key: string) => covers(pattern, key) || covers(key, pattern);
  const patterns = (matchImages ?? []).filter((p) => keys.some((key) => overlap(p, key)));
  if (patterns.length > 0) {
    const entries = keys.filter((key) => patterns.some((p) => overlap(p, key))).length;
    problems.push(
      `kubelet's config.json holds ${entries === 1 ? "an entry" : `${entries} entries`} ` +
        `under matchImages ${patterns.map((p) => goQuote(p)).join(", ")}, ` +
        "which kubelet tries first and records node-wide",
    );
  }
  if (problems.length > 0) {
    return [
      warn(
        name,
        problems.join("; "),
        "use Kubernetes 1.35+ (or the gate in 1.34), CRI-O 1.35.2+, no node-keyring entry for mirrored registries, and a policy other than NeverVerify",
      ),
    ];
  }
  const policy = facts.imagePull.verificationPolicy ?? "NeverVerifyPreloadedImages";
  if (policy === "NeverVerifyPreloadedImages") {
    return [
      warn(
        name,
        "pulls are recorded per service account, but preloaded images are never checked (NeverVerifyPreloadedImages)",
        "set imagePullCredentialsVerificationPolicy to NeverVerifyAllowlistedImages or AlwaysVerify",
      ),
    ];
  }
  return [pass(name, `pulls are recorded per service account; policy ${policy}`)];
}
