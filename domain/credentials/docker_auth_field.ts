/**
 * The `auth` field of a docker config entry as kubelet decodes it
 * (kubernetes `pkg/credentialprovider/config.go`, `decodeDockerConfigFieldAuth`):
 * padded base64 when the trimmed value ends in `=`, unpadded otherwise
 * (Go's `StdEncoding` / `RawStdEncoding`, which skip `\r` and `\n`), then
 * split at the first `:` into username and password.
 *
 * @module
 */

import { goBase64Decode } from "../text/go_base64.ts";
import { goTrimSpace } from "../text/go_text.ts";

/** Username and password, as bytes (Go strings need not be UTF-8). */
export interface UserPassword {
  readonly username: Uint8Array;
  readonly password: Uint8Array;
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
  const decoded = goBase64Decode(field, { padded: goTrimSpace(field).endsWith("=") });
  const colon = decoded.indexOf(0x3a);
  if (colon === -1) {
    throw new SyntaxError(
      "unable to parse auth field, must be formatted as base64(username:password)",
    );
  }
  return { username: decoded.subarray(0, colon), password: decoded.subarray(colon + 1) };
}
