/**
 * Image references as containers/image (`docker/reference`) parses them.
 *
 * The grammar, the Docker Hub normalization and the error texts follow
 * `go.podman.io/image/v5/docker/reference` because the strings we compute
 * (rewritten mirror references, the `image` kubelet sends) must be the ones
 * containers/image computes inside CRI-O.
 *
 * @module
 */

/** A parsed image reference: `domain/path[:tag][@digest]`. */
export interface ImageReference {
  /** Registry host with optional port, e.g. `docker.io` or `localhost:5000`. */
  readonly domain: string;
  /** Repository path below the domain, e.g. `library/nginx`. */
  readonly path: string;
  /** Tag without the `:`. */
  readonly tag?: string;
  /** Digest such as `sha256:…`. */
  readonly digest?: string;
}

/** Thrown when a string is not a valid image reference; texts match containers/image. */
export class ImageReferenceError extends SyntaxError {
  /** @param message the containers/image error text, e.g. `invalid reference format` */
  constructor(message: string) {
    super(message);
    this.name = "ImageReferenceError";
  }
}

// The upstream separator is `(?:[._]|__|[-]*)`; its empty `-*` alternative makes
// `[a-z0-9]+(?:sep[a-z0-9]+)*` ambiguous, which RE2 tolerates but a backtracking
// engine answers in exponential time. `-+` accepts exactly the same language.
const NAME_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}";
const NAME = `(?:${DOMAIN}/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*`;

const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME_RE = new RegExp(
  `^(?:(${DOMAIN})/)?(${NAME_COMPONENT}(?:/${NAME_COMPONENT})*)$`,
);
const ANCHORED_DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const NAME_TOTAL_LENGTH_MAX = 255;

// go-digest registers these algorithms; the encoded part is lowercase hex.
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = {
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

function validateDigest(digest: string): void {
  const colon = digest.indexOf(":");
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) {
    // go-digest reports an unknown but well-formed algorithm differently from a malformed one.
    const wellFormed = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/.test(algorithm);
    throw new ImageReferenceError(
      wellFormed ? "unsupported digest algorithm" : "invalid checksum digest format",
    );
  }
  if (encoded.length !== length) throw new ImageReferenceError("invalid checksum digest length");
  if (!/^[a-f0-9]+$/.test(encoded)) {
    throw new ImageReferenceError("invalid checksum digest format");
  }
}

/**
 * Parses a reference without any normalization (containers/image `reference.Parse`).
 *
 * A name without a domain-looking first component gets `domain: ""`.
 *
 * @example
 * ```ts
 * import { parseReference } from "./image_reference.ts";
 * parseReference("quay.io/a/b:1"); // { domain: "quay.io", path: "a/b", tag: "1" }
 * ```
 * @throws {ImageReferenceError} for an empty, malformed, upper-case or too long name
 */
export function parseReference(value: string): ImageReference {
  const match = REFERENCE_RE.exec(value);
  if (match === null) {
    if (value === "") {
      throw new ImageReferenceError("repository name must have at least one component");
    }
    if (REFERENCE_RE.test(value.toLowerCase())) {
      throw new ImageReferenceError("repository name must be lowercase");
    }
    throw new ImageReferenceError("invalid reference format");
  }
  const [, name = "", tag, digest] = match;
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    throw new ImageReferenceError(
      `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`,
    );
  }
  if (digest !== undefined) validateDigest(digest);
  const nameMatch = ANCHORED_NAME_RE.exec(name);
  const domain = nameMatch?.[1] ?? "";
  const path = nameMatch?.[2] ?? name;
  return {
    domain,
    path,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/**
 * Parses a reference the way `docker pull` and CRI-O read user input
 * (`reference.ParseNormalizedNamed`): `nginx` → `docker.io/library/nginx`,
 * `index.docker.io/x/y` → `docker.io/x/y`.
 *
 * @example
 * ```ts
 * import { parseNormalizedReference, referenceString } from "./image_reference.ts";
 * referenceString(parseNormalizedReference("nginx:1.25")); // "docker.io/library/nginx:1.25"
 * ```
 * @throws {ImageReferenceError} when the input is not a valid reference
 */
export function parseNormalizedReference(value: string): ImageReference {
  if (IDENTIFIER_RE.test(value)) {
    throw new ImageReferenceError(
      `invalid repository name (${value}), cannot specify 64-byte hexadecimal strings`,
    );
  }
  const slash = value.indexOf("/");
  const first = slash === -1 ? "" : value.slice(0, slash);
  let domain = "docker.io";
  let remainder = value;
  if (slash !== -1 && (/[.:]/.test(first) || first === "localhost")) {
    domain = first;
    remainder = value.slice(slash + 1);
  }
  if (domain === "index.docker.io") domain = "docker.io";
  if (domain === "docker.io" && !remainder.includes("/")) remainder = `library/${remainder}`;
  const colon = remainder.indexOf(":");
  const remoteName = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remoteName.toLowerCase() !== remoteName) {
    throw new ImageReferenceError(
      "invalid reference format: repository name must be lowercase",
    );
  }
  return parseReference(`${domain}/${remainder}`);
}

/**
 * Parses a reference that must already be in canonical form (`reference.ParseNamed`),
 * as containers/image requires of a mirror-rewritten reference.
 *
 * @example
 * ```ts
 * import { parseCanonicalReference } from "./image_reference.ts";
 * parseCanonicalReference("quay.io/lib/busybox:1"); // ok
 * // parseCanonicalReference("busybox") throws "repository name must be canonical"
 * ```
 * @throws {ImageReferenceError} when invalid or not canonical
 */
export function parseCanonicalReference(value: string): ImageReference {
  const reference = parseNormalizedReference(value);
  if (referenceString(reference) !== value) {
    throw new ImageReferenceError("repository name must be canonical");
  }
  return reference;
}

/**
 * The repository name without tag or digest (`Named.Name()`).
 *
 * @example
 * ```ts
 * import { referenceName } from "./image_reference.ts";
 * referenceName({ domain: "docker.io", path: "library/nginx", tag: "1" }); // "docker.io/library/nginx"
 * ```
 */
export function referenceName(reference: ImageReference): string {
  return reference.domain === "" ? reference.path : `${reference.domain}/${reference.path}`;
}

/**
 * The full reference with tag and digest (`Reference.String()`).
 *
 * @example
 * ```ts
 * import { referenceString } from "./image_reference.ts";
 * referenceString({ domain: "quay.io", path: "a", tag: "1" }); // "quay.io/a:1"
 * ```
 */
export function referenceString(reference: ImageReference): string {
  const tag = reference.tag === undefined ? "" : `:${reference.tag}`;
  const digest = reference.digest === undefined ? "" : `@${reference.digest}`;
  return `${referenceName(reference)}${tag}${digest}`;
}

/**
 * Whether `value` is a `host[:port]` as the reference grammar defines it
 * (containers/image `DomainRegexp`, anchored).
 *
 * @example
 * ```ts
 * import { isDomain } from "./image_reference.ts";
 * isDomain("registry.example.com:5000"); // true
 * isDomain("registry.example.com/ns"); // false
 * ```
 */
export function isDomain(value: string): boolean {
  return ANCHORED_DOMAIN_RE.test(value);
}
