/**
 * `doctor`'s checks of the rest of the node: registries.conf against the
 * provider's `matchImages`, CRI-O's version and settings, the auth
 * directory, the API server and a token. What keeps cached images apart
 * between namespaces: `cached_image_checks.ts`.
 *
 * @module
 */

import { loadRegistriesConf } from "../registries/registries_conf.ts";
import { isNamespacedAuthFile } from "../credentials/auth_file_path.ts";
import { atLeast, type Check, fail, pass, versionOf, warn } from "./check.ts";
import type { NodeFacts } from "./node_facts.ts";
import { covers } from "./pattern_covers.ts";

/** Files CRI-O never consumed, older than this, are reported. */
const STALE_SECONDS = 5 * 60;

/** The registries checks, against the provider's `matchImages` (when known). */
export function registriesChecks(
  facts: NodeFacts,
  matchImages: readonly string[] | undefined,
): Check[] {
  const name = "registries.conf";
  if ("problem" in facts.registries) {
    return [
      fail(
        name,
        facts.registries.problem,
        "fix registries.conf: the provider cannot match mirrors, and neither can CRI-O",
      ),
    ];
  }
  let mirrored: string[];
  try {
    const conf = loadRegistriesConf(facts.registries.value);
    mirrored = conf.registries.filter((r) => r.mirrors.length > 0).map((r) => r.prefix);
  } catch (error) {
    return [
      fail(
        name,
        `loading registries configuration: ${(error as Error).message}`,
        "fix registries.conf: CRI-O would refuse it too",
      ),
    ];
  }
  if (mirrored.length === 0) {
    return [
      warn(
        name,
        "no registry has mirrors: the provider never writes a file",
        "add mirrors (on OpenShift: ImageDigestMirrorSet/ImageTagMirrorSet)",
      ),
    ];
  }
  const checks = [pass(name, `registries with mirrors: ${mirrored.join(", ")}`)];
  if (matchImages === undefined) return checks;
  const uncovered = mirrored.filter((registry) => !matchImages.some((p) => covers(p, registry)));
  checks.push(
    uncovered.length === 0
      ? pass("matchImages cover the mirrors", `every registry with mirrors is in matchImages`)
      : fail(
        "matchImages cover the mirrors",
        `kubelet never runs the provider for ${uncovered.join(", ")}`,
        `add them to matchImages: generate kubelet-config --match-image ${
          uncovered.join(" --match-image ")
        }`,
      ),
  );
  const idle = matchImages.filter((pattern) =>
    !mirrored.some((registry) => covers(pattern, registry))
  );
  if (idle.length > 0) {
    checks.push(
      warn(
        "matchImages have mirrors",
        `${idle.join(", ")} match no registry with mirrors: the provider runs for nothing`,
        "remove them from matchImages, or add their mirrors",
      ),
    );
  }
  return checks;
}

/** CRI-O's version and the settings the provider must share with it. */
export function crioChecks(facts: NodeFacts): Check[] {
  const checks: Check[] = [];
  const { crio } = facts;
  if ("problem" in crio.version) {
    checks.push(warn("CRI-O version", crio.version.problem, "run doctor where crio is on PATH"));
  } else {
    const version = versionOf(crio.version.value);
    const reads = version !== undefined &&
      (atLeast(version, [1, 35, 0]) || (version[1] === 34 && atLeast(version, [1, 34, 3])));
    checks.push(
      reads
        ? pass(
          "CRI-O version",
          `${crio.version.value.trim().split("\n")[0]} reads namespaced auth files`,
        )
        : fail(
          "CRI-O version",
          `${crio.version.value.trim().split("\n")[0]} does not read namespaced auth files`,
          "upgrade CRI-O to 1.34.3, 1.35.0 or later",
        ),
    );
  }
  if (crio.configProblem) {
    // CRI-O's settings are unknown: comparing the provider's with CRI-O's defaults would mislead.
    checks.push(
      warn(
        "CRI-O configuration",
        `${crio.configProblem}; auth directory and global auth file not compared`,
        crio.configProblem.startsWith("this build may not")
          ? "pass --crio-config and --crio-config-dir, or run doctor from the sources: deno run -A src/main.ts doctor"
          : "fix CRI-O's configuration files",
      ),
    );
  } else {
    checks.push(...settingsChecks(facts));
  }
  const dir = facts.authDirectory;
  if (!dir.exists) {
    checks.push(
      warn(
        "auth directory",
        `${dir.path} does not exist yet`,
        "start CRI-O (it creates it), or let the provider create it on the first pull",
      ),
    );
  } else if (dir.symlink) {
    checks.push(
      fail(
        "auth directory",
        `${dir.path} is a symbolic link; the provider refuses it`,
        `make ${dir.path} a real directory owned by root`,
      ),
    );
  } else if ((dir.mode ?? 0) & 0o022) {
    checks.push(
      fail(
        "auth directory",
        `${dir.path} is writable by group or others (mode ${
          ((dir.mode ?? 0) & 0o777).toString(8)
        }); the provider refuses it`,
        `chmod 0700 ${dir.path}`,
      ),
    );
  } else if (
    dir.owner !== undefined && facts.kubelet.uid !== undefined && dir.owner !== facts.kubelet.uid
  ) {
    checks.push(
      fail(
        "auth directory",
        `${dir.path} is owned by uid ${dir.owner}, but kubelet runs its plugins as uid ${facts.kubelet.uid}; the provider refuses it`,
        `chown ${facts.kubelet.uid} ${dir.path}`,
      ),
    );
  } else {
    const stale = dir.authFiles.filter((f) =>
      isNamespacedAuthFile(f.name) && f.ageSeconds > STALE_SECONDS
    );
    checks.push(
      stale.length === 0
        ? pass("auth directory", `${dir.path} is private and holds no stale auth file`)
        : warn(
          "auth directory",
          `${stale.length} auth file(s) older than ${
            STALE_SECONDS / 60
          } minutes that CRI-O never consumed, e.g. ${stale[0]!.name}`,
          "they are removed by the provider's next runs; remove them now if the namespace's credentials were revoked",
        ),
    );
  }
  return checks;
}

/** The API server, found as the provider finds it, and a token's standing. */
export function apiChecks(facts: NodeFacts): Check[] {
  const checks: Check[] = [];
  if ("problem" in facts.api.server) {
    checks.push(
      fail(
        "API server",
        facts.api.server.problem,
        "pass --api-server and --ca-file, or --kubeconfig",
      ),
    );
    return checks;
  }
  const reach = facts.api.reachable;
  if (reach !== undefined) {
    checks.push(
      "value" in reach
        ? pass("API server", `${facts.api.server.value} answers over verified TLS (${reach.value})`)
        : fail(
          "API server",
          `${facts.api.server.value}: ${reach.problem}`,
          "check --ca-file or the kubeconfig's CA, and the route to the API server",
        ),
    );
  }
  const token = facts.token;
  if (token === undefined) return checks;
  if ("problem" in token.namespace) {
    checks.push(
      fail("token", token.namespace.problem, "give a service-account token (--token-file)"),
    );
    return checks;
  }
  const expiry = token.expiresAt === undefined
    ? "no expiry"
    : `expires ${new Date(token.expiresAt * 1000).toISOString()}`;
  const evidence = `namespace ${token.namespace.value}, audience ${
    token.audiences.join(", ") || "none"
  }, ${expiry}`;
  checks.push(
    token.expiresAt !== undefined && token.expiresAt <= facts.now
      ? fail("token", `${evidence}: expired`, "give a current token")
      : pass("token", evidence),
  );
  const review = token.listSecrets;
  if (review !== undefined) {
    checks.push(
      "problem" in review
        ? fail(
          "token accepted",
          review.problem,
          review.problem.includes("HTTP 401")
            ? "use the audience the API server accepts (its --api-audiences) in tokenAttributes.serviceAccountTokenAudience, and a token that is still valid"
            : "the token could not be checked: fix what the API server check reports",
        )
        : review.value.allowed
        ? pass("secrets readable", `the token may list secrets in ${token.namespace.value}`)
        : warn(
          "secrets readable",
          `the token may not list secrets in ${token.namespace.value}${
            review.value.reason ? ` (${review.value.reason})` : ""
          }`,
          "name the pull secrets on the service account (annotation mode, get only), or grant get and list: generate rbac",
        ),
    );
  }
  return checks;
}

/** CRI-O's `namespaced_auth_dir` and `global_auth_file` against the provider's flags. */
function settingsChecks(facts: NodeFacts): Check[] {
  const { crio } = facts;
  const checks: Check[] = [];
  checks.push(
    crio.namespacedAuthDir === facts.authDir
      ? pass("auth directory agrees", `CRI-O and the provider use ${crio.namespacedAuthDir}`)
      : fail(
        "auth directory agrees",
        `CRI-O reads ${JSON.stringify(crio.namespacedAuthDir)}, the provider writes ${
          JSON.stringify(facts.authDir)
        }`,
        `pass --auth-dir=${crio.namespacedAuthDir} in the provider's args`,
      ),
  );
  checks.push(
    crio.globalAuthFile === facts.globalAuthFile
      ? pass("global auth file agrees", `both use ${JSON.stringify(crio.globalAuthFile)}`)
      : crio.globalAuthFile === ""
      ? warn(
        "global auth file agrees",
        `CRI-O has no global_auth_file (its pulls read containers-auth.json's default files), the provider merges ${
          JSON.stringify(facts.globalAuthFile)
        }`,
        "set global_auth_file in CRI-O and pass the same --global-auth-file: the namespaced file replaces every other auth file for its pull",
      )
      : warn(
        "global auth file agrees",
        `CRI-O's global_auth_file is ${JSON.stringify(crio.globalAuthFile)}, the provider merges ${
          JSON.stringify(facts.globalAuthFile)
        }`,
        `pass --global-auth-file=${crio.globalAuthFile} in the provider's args: CRI-O reads only the namespaced file for the pull`,
      ),
  );
  return checks;
}
