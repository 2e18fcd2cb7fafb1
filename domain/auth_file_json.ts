/**
 * The namespaced auth file's bytes, exactly as upstream's Go encoder writes
 * them: `{"auths": {…}}`, one tab per indentation level, keys in byte order,
 * `auth` then `identitytoken` (each only when set), `<`, `>`, `&`, U+2028 and
 * U+2029 escaped, and a final newline.
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

/**
 * Encodes the `auths` of a namespaced auth file.
 *
 * @example
 * ```ts
 * import { encodeAuthFile } from "./auth_file_json.ts";
 * encodeAuthFile(new Map([["localhost:5000", { auth: "bXl1c2VyOm15cGFzc3dvcmQ=" }]]));
 * // '{\n\t"auths": {\n\t\t"localhost:5000": {\n\t\t\t"auth": "bXl1c2VyOm15cGFzc3dvcmQ="\n\t\t}\n\t}\n}\n'
 * ```
 */
export function encodeAuthFile(entries: ReadonlyMap<string, Credential>): string {
  // Byte order; registry keys are ASCII, where UTF-16 order is the same.
  const keys = [...entries.keys()].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  if (keys.length === 0) return '{\n\t"auths": {}\n}\n';
  const blocks = keys.map((key) => {
    const credential = entries.get(key) as Credential;
    const fields = [`\t\t\t"auth": ${goString(credential.auth)}`];
    if (credential.identitytoken) {
      fields.push(`\t\t\t"identitytoken": ${goString(credential.identitytoken)}`);
    }
    return `\t\t${goString(key)}: {\n${fields.join(",\n")}\n\t\t}`;
  });
  return `{\n\t"auths": {\n${blocks.join(",\n")}\n\t}\n}\n`;
}
