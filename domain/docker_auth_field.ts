/**
 * The `auth` field of a docker config entry as kubelet decodes it
 * (kubernetes `pkg/credentialprovider/config.go`, `decodeDockerConfigFieldAuth`):
 * padded base64 when the trimmed value ends in `=`, unpadded otherwise
 * (Go's `StdEncoding` / `RawStdEncoding`, which skip `\r` and `\n`), then
 * split at the first `:` into username and password.
 *
 * @module
 */

/** Username and password, as bytes (Go strings need not be UTF-8). */
export interface UserPassword {
  readonly username: Uint8Array;
  readonly password: Uint8Array;
}

// Go's strings.TrimSpace: Unicode White_Space.
const TRIM_SPACE = /^[\s\u0085]+|[\s\u0085]+$/g;
const PADDED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UNPADDED = /^[A-Za-z0-9+/]*$/;

/** The offset Go's `base64.CorruptInputError` reports, counted in the input with line breaks. */
function corruptAt(field: string, padded: boolean): number {
  const valid = padded ? /[A-Za-z0-9+/=\r\n]/ : /[A-Za-z0-9+/\r\n]/;
  for (let at = 0; at < field.length; at++) {
    if (!valid.test(field[at] ?? "")) return at;
  }
  return field.length;
}

/**
 * Decodes kubelet's `auth` field.
 *
 * @example
 * ```ts
 * import { decodeAuthField } from "./docker_auth_field.ts";
 * const { username } = decodeAuthField("dXNlcjpwdw");
 * new TextDecoder().decode(username); // "user"
 * ```
 * @throws {SyntaxError} `illegal base64 data at input byte N`, or when there is no `:`; never quoting the value
 */
export function decodeAuthField(field: string): UserPassword {
  const padded = field.replace(TRIM_SPACE, "").endsWith("=");
  const clean = field.replace(/[\r\n]/g, "");
  const shape = padded ? PADDED : UNPADDED;
  if (!shape.test(clean) || (!padded && clean.length % 4 === 1)) {
    throw new SyntaxError(`illegal base64 data at input byte ${corruptAt(field, padded)}`);
  }
  const decoded = Uint8Array.fromBase64(clean);
  const colon = decoded.indexOf(0x3a);
  if (colon === -1) {
    throw new SyntaxError(
      "unable to parse auth field, must be formatted as base64(username:password)",
    );
  }
  return { username: decoded.subarray(0, colon), password: decoded.subarray(colon + 1) };
}
