/**
 * `matchImages` patterns, checked by the rules of whoever reads them: kubelet
 * (`pkg/credentialprovider/plugin/config.go` parses each entry as a URL after
 * `https://`, `ParseSchemelessURL`; matching uses Go's `filepath.Match` per
 * host label, so a malformed glob never matches), and OpenShift's
 * `CRIOCredentialProviderConfig` API (openshift/api
 * `config/v1/types_crio_credential_provider_config.go`), which is stricter.
 *
 * @module
 */

/** Characters Go's `url.Parse` allows in a host name (`shouldEscape` with `encodeHost`). */
const GO_HOST = /^[A-Za-z0-9\-._~!$&'()*+,;=[\]<>"]*$/;

/** Whether `label` is a well-formed `filepath.Match` pattern (classes closed and not empty). */
function wellFormedGlob(label: string): boolean {
  for (let at = 0; at < label.length; at++) {
    const char = label[at];
    if (char === "\\") {
      if (at + 1 >= label.length) return false;
      at++;
    } else if (char === "[") {
      let end = at + 1;
      if (label[end] === "^") end++;
      if (label[end] === "]") return false; // an empty class
      while (end < label.length && label[end] !== "]") end += label[end] === "\\" ? 2 : 1;
      if (end >= label.length) return false;
      at = end;
    } else if (char === "]") {
      return false;
    }
  }
  return true;
}

/**
 * Why kubelet would refuse `pattern` as a `matchImages` entry, or find that it
 * can never match; `undefined` when it is usable.
 *
 * @example
 * ```ts
 * import { kubeletMatchImageProblem } from "./match_images.ts";
 * kubeletMatchImageProblem("*.example.com:5000/team"); // undefined
 * kubeletMatchImageProblem("registry:port"); // 'invalid port ":port" after host'
 * ```
 */
export function kubeletMatchImageProblem(pattern: string): string | undefined {
  if (pattern === "") return "an empty pattern matches no image";
  // deno-lint-ignore no-control-regex -- control characters are what is refused
  if (/[\x00-\x20\x7f]/.test(pattern)) return "it contains white space or control characters";
  if (/[?#]/.test(pattern)) return "it contains '?' or '#', which end a URL's host and path";
  const slash = pattern.indexOf("/");
  const authority = slash === -1 ? pattern : pattern.slice(0, slash);
  if (authority.includes("@")) return "it contains user information";
  const bracketed = authority.startsWith("[");
  const colon = bracketed
    ? (authority.includes("]:") ? authority.indexOf("]:") + 1 : -1)
    : authority.lastIndexOf(":");
  const host = colon >= 0 ? authority.slice(0, colon) : authority;
  const port = colon >= 0 ? authority.slice(colon) : "";
  if (port !== "" && !/^:[0-9]*$/.test(port)) {
    return `invalid port ${JSON.stringify(port)} after host`;
  }
  if (host === "") return "it has no host";
  if (bracketed && !/^\[[0-9A-Fa-f:.]+\]$/.test(host)) return "missing ']' in host";
  if (!bracketed && !GO_HOST.test(host)) return "it has a character a host name cannot have";
  const labels = bracketed ? [] : host.split(".");
  const malformed = labels.find((label) => !wellFormedGlob(label));
  if (malformed !== undefined) {
    return `the glob ${JSON.stringify(malformed)} is malformed (Go's filepath.Match)`;
  }
  return undefined;
}

// openshift/api: whole-label wildcards, lower case, optional port and path.
const OPENSHIFT_PATTERN =
  /^((\*|[a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.(\*|[a-z0-9]([a-z0-9-]*[a-z0-9])?))*)(:[0-9]+)?(\/[-a-z0-9._/]*)?$/;

/**
 * Why OpenShift's `CRIOCredentialProviderConfig` API would refuse the list,
 * or `undefined`. Its rules: 1 to 50 unique entries, each 1 to 512 characters,
 * not `*`, lower-case host names whose wildcards are whole labels, an
 * optional port and path.
 *
 * @example
 * ```ts
 * import { openShiftMatchImagesProblem } from "./match_images.ts";
 * openShiftMatchImagesProblem(["quay.io/org", "*.example.com"]); // undefined
 * openShiftMatchImagesProblem(["Registry.COM"]);
 * // '"Registry.COM" must be a valid fully qualified domain name in lowercase with optional wildcard, port, and path'
 * ```
 */
export function openShiftMatchImagesProblem(patterns: readonly string[]): string | undefined {
  if (patterns.length === 0) return "at least one pattern is required";
  if (patterns.length > 50) return "at most 50 patterns are allowed";
  for (const pattern of patterns) {
    const quoted = JSON.stringify(pattern);
    if (pattern === "*") return "the global wildcard '*' is not allowed";
    if (pattern.length > 512) return `${quoted} is longer than 512 characters`;
    if (!OPENSHIFT_PATTERN.test(pattern)) {
      return `${quoted} must be a valid fully qualified domain name in lowercase with optional wildcard, port, and path`;
    }
  }
  const repeated = patterns.find((pattern, index) => patterns.indexOf(pattern) !== index);
  return repeated === undefined ? undefined : `${JSON.stringify(repeated)} is given twice`;
}

/**
 * Whether `sub` lies inside `scope` as the Machine Config Operator decides it
 * (openshift/runtime-utils `ScopeIsNestedInsideScope`): the same string, a
 * `/`-separated path below it, or a host under a `*.suffix` scope. The
 * operator drops a pattern that overlaps a platform provider's in either
 * direction.
 *
 * @example
 * ```ts
 * import { scopeIsNestedInsideScope } from "./match_images.ts";
 * scopeIsNestedInsideScope("myreg.azurecr.io", "*.azurecr.io"); // true
 * scopeIsNestedInsideScope("quay.io/org/app", "quay.io/org"); // true
 * scopeIsNestedInsideScope("123.dkr.ecr.us-east-1.amazonaws.com", "*.dkr.ecr.*.amazonaws.com"); // false
 * ```
 */
export function scopeIsNestedInsideScope(sub: string, scope: string): boolean {
  if (sub === scope) return true;
  if (sub.length > scope.length && sub.startsWith(scope) && sub[scope.length] === "/") return true;
  if (!scope.startsWith("*.")) return false;
  // The host part only: before a port, and (without a port) before a path.
  if (sub.includes(":")) {
    const host = sub.split(":", 1)[0] ?? "";
    return host.endsWith(scope.slice(1)) && !host.includes("/");
  }
  return (sub.split("/", 1)[0] ?? "").endsWith(scope.slice(1));
}
