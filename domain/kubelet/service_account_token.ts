/**
 * The pod's namespace, read from the `kubernetes.io` claim of the
 * service-account token kubelet passes along.
 *
 * The token is only decoded, never verified: the API server authenticates it
 * when the provider lists secrets with it, and nothing is written before that
 * succeeds. Because the namespace becomes part of a file name, it must be a
 * DNS-1123 label, which every Kubernetes namespace is.
 *
 * @module
 */

/** The token cannot be decoded or carries no usable namespace. Never contains the token. */
export class TokenError extends SyntaxError {
  /** @param message what is wrong (upstream's wording where upstream has one) */
  constructor(message: string) {
    super(message);
    this.name = "TokenError";
  }
}

const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

function decodeSegment(segment: string, what: string): unknown {
  // JWT segments are unpadded base64url (RFC 7515); fromBase64 alone would also
  // take the padding and whitespace that Go's RawURLEncoding refuses.
  if (!/^[A-Za-z0-9_-]*$/.test(segment) || segment.length % 4 === 1) {
    throw new TokenError(
      `unable to parse JWT token: token is malformed: could not base64 decode ${what}`,
    );
  }
  const bytes = Uint8Array.fromBase64(segment, { alphabet: "base64url" });
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new TokenError(
      `unable to parse JWT token: token is malformed: could not JSON decode ${what}`,
    );
  }
}

/**
 * Whether `name` is a valid namespace name (a DNS-1123 label).
 *
 * @example
 * ```ts
 * import { isNamespaceName } from "./service_account_token.ts";
 * isNamespaceName("kube-system"); // true
 * isNamespaceName("../etc"); // false
 * ```
 */
export function isNamespaceName(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

/**
 * The namespace claim of a service-account token.
 *
 * @example
 * ```ts
 * import { namespaceFromToken } from "./service_account_token.ts";
 * const payload = btoa(JSON.stringify({ "kubernetes.io": { namespace: "default" } }));
 * namespaceFromToken(`e30.${payload.replaceAll("=", "")}.sig`); // "default"
 * ```
 * @throws {TokenError} when the token is malformed or the claim is missing, of the wrong type or not a DNS-1123 label
 */
export function namespaceFromToken(token: string): string {
  const segments = token.split(".");
  if (segments.length !== 3) {
    throw new TokenError(
      "unable to parse JWT token: token is malformed: token contains an invalid number of segments",
    );
  }
  const [header = "", payload = ""] = segments;
  decodeSegment(header, "header");
  const claims = decodeSegment(payload, "claim");
  if (typeof claims !== "object" || claims === null || !("kubernetes.io" in claims)) {
    throw new TokenError("no kubernetes.io claim name in JWT claims found");
  }
  const kubernetes = (claims as Record<string, unknown>)["kubernetes.io"];
  if (typeof kubernetes !== "object" || kubernetes === null || Array.isArray(kubernetes)) {
    throw new TokenError("kubernetes.io claim does not contain a map");
  }
  if (!("namespace" in kubernetes)) throw new TokenError("no namespace found in kubernetes claim");
  const namespace = (kubernetes as Record<string, unknown>).namespace;
  if (typeof namespace !== "string") throw new TokenError("namespace is not a string object");
  if (!isNamespaceName(namespace)) {
    throw new TokenError(
      `invalid namespace ${
        JSON.stringify(namespace)
      }: must be a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters)`,
    );
  }
  return namespace;
}

/** What a token says about where and until when it is valid. */
export interface TokenValidity {
  /** The `aud` claim (a string or a list in JWTs), as a list. */
  readonly audiences: readonly string[];
  /** The `exp` claim, in epoch seconds. */
  readonly expiresAt?: number;
}

/**
 * The audiences and expiry of a token whose namespace has already been read,
 * for explaining why the API server refused it. Claims that are missing or
 * malformed are left out; this never throws.
 *
 * @example
 * ```ts
 * import { tokenValidity } from "./service_account_token.ts";
 * const payload = btoa(JSON.stringify({ aud: ["https://kubernetes.default.svc"], exp: 1700000000 }));
 * tokenValidity(`e30.${payload.replaceAll("=", "")}.sig`);
 * // { audiences: ["https://kubernetes.default.svc"], expiresAt: 1700000000 }
 * ```
 */
export function tokenValidity(token: string): TokenValidity {
  let claims: unknown;
  try {
    claims = decodeSegment(token.split(".")[1] ?? "", "claim");
  } catch {
    return { audiences: [] };
  }
  const { aud, exp } = (typeof claims === "object" && claims !== null ? claims : {}) as Record<
    string,
    unknown
  >;
  const audiences = typeof aud === "string"
    ? [aud]
    : Array.isArray(aud)
    ? aud.filter((a): a is string => typeof a === "string")
    : [];
  return {
    audiences,
    // Only what a Date can show (±8.64e12 s): a forged "exp": 1e20 must not break the message.
    ...(typeof exp === "number" && Math.abs(exp) <= 8.64e12 ? { expiresAt: exp } : {}),
  };
}

/** RFC 6750 `b64token`, the syntax of a bearer token. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Whether `token` may be sent as `Authorization: Bearer <token>`: anything
 * else (a control character, a space) is no bearer token, and an HTTP client
 * refusing the header would quote it whole in its error.
 *
 * @example
 * ```ts
 * import { isBearerToken } from "./service_account_token.ts";
 * isBearerToken("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"); // true
 * isBearerToken("eyJ.e30.c2ln\n"); // false
 * ```
 */
export function isBearerToken(token: string): boolean {
  return BEARER_TOKEN.test(token);
}
