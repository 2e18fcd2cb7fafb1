/**
 * The namespaced auth file's bytes, exactly as upstream's Go encoder writes
 * them: `{"auths": {…}}`, one tab per indentation level, keys in byte order,
 * `auth` then `identitytoken` (each only when set), `<`, `>`, `&`, U+2028 and
 * U+2029 escaped, and a final newline. The global file's `credHelpers`, when
 * there are any, follow `auths` as in containers/image's own struct.
 *
 * @module
 */

import type { Credential } from "./docker_config.ts";

function goString(value: string): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Options for {@linkcode encodeAuthFile}. */
export interface AuthFileOptions {
  /** containers/image's `credHelpers` (registry → helper suffix). */
  readonly credHelpers?: ReadonlyMap<string, string>;
}

/**
 * Encodes a namespaced auth file.
 *
 * @example
 * ```ts
 * import { encodeAuthFile } from "./auth_file_json.ts";
 * encodeAuthFile(new Map([["localhost:5000", { auth: "bXl1c2VyOm15cGFzc3dvcmQ=" }]]));
 * // '{\n\t"auths": {\n\t\t"localhost:5000": {\n\t\t\t"auth": "bXl1c2VyOm15cGFzc3dvcmQ="\n\t\t}\n\t}\n}\n'
 * ```
 */
export function encodeAuthFile(
  entries: ReadonlyMap<string, Credential>,
  options: AuthFileOptions = {},
): string {
  // Byte order; registry keys are ASCII, where UTF-16 order is the same.
  const keys = [...entries.keys()].sort(byteOrder);
  const helpers = [...(options.credHelpers ?? new Map<string, string>())]
    .sort(([a], [b]) => byteOrder(a, b))
    .map(([registry, helper]) => `\t\t${goString(registry)}: ${goString(helper)}`);
  const credHelpers = helpers.length === 0
    ? ""
    : `,\n\t"credHelpers": {\n${helpers.join(",\n")}\n\t}`;
  if (keys.length === 0) return `{\n\t"auths": {}${credHelpers}\n}\n`;
  const blocks = keys.map((key) => {
    const credential = entries.get(key) as Credential;
    const fields = [`\t\t\t"auth": ${goString(credential.auth)}`];
    if (credential.identitytoken) {
      fields.push(`\t\t\t"identitytoken": ${goString(credential.identitytoken)}`);
    }
    return `\t\t${goString(key)}: {\n${fields.join(",\n")}\n\t\t}`;
  });
  return `{\n\t"auths": {\n${blocks.join(",\n")}\n\t}${credHelpers}\n}\n`;
}
