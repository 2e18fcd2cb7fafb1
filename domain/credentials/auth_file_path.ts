/**
 * Where the namespaced auth file for one pull lives. CRI-O computes the same
 * path (upstream's `auth.FilePath`, which CRI-O imports), so this is a
 * cross-project contract: `<dir>/<namespace>-<sha256 hex of image>.json`,
 * hashing the image name exactly as kubelet sent it.
 *
 * @module
 */

import { goQuote } from "../text/go_quote.ts";

/**
 * The auth file path for a namespace and image.
 *
 * @example
 * ```ts
 * import { authFilePath } from "./auth_file_path.ts";
 * await authFilePath("/etc/crio/auth", { namespace: "default", image: "docker.io/library/nginx" });
 * // "/etc/crio/auth/default-7e59ad64326bc321517fb6fc6586de5ee149178394d9edfa2a877176cdf6fad5.json"
 * ```
 * @throws {TypeError} with upstream's texts for a relative directory, an empty namespace or image
 */
export async function authFilePath(
  dir: string,
  pull: { readonly namespace: string; readonly image: string },
): Promise<string> {
  if (!dir.startsWith("/")) {
    throw new TypeError(`provided ${goQuote(dir)} directory is not an absolute path`);
  }
  if (pull.namespace === "") throw new TypeError("no namespace provided");
  if (pull.image === "") throw new TypeError("no image ref provided");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(pull.image));
  return `${dir.replace(/\/+$/, "")}/${pull.namespace}-${new Uint8Array(digest).toHex()}.json`;
}

/**
 * Whether a file name is a namespaced auth file (`<namespace>-<sha256 hex>.json`).
 *
 * @example
 * ```ts
 * import { isNamespacedAuthFile } from "./auth_file_path.ts";
 * isNamespacedAuthFile("default-7e59ad64326bc321517fb6fc6586de5ee149178394d9edfa2a877176cdf6fad5.json"); // true
 * ```
 */
export function isNamespacedAuthFile(name: string): boolean {
  return /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?-[0-9a-f]{64}\.json$/.test(name);
}

/**
 * Whether a file name is a temporary file of the atomic write (`.auth-*.tmp`).
 *
 * @example
 * ```ts
 * import { isTemporaryAuthFile } from "./auth_file_path.ts";
 * isTemporaryAuthFile(".auth-3f2a.tmp"); // true
 * ```
 */
export function isTemporaryAuthFile(name: string): boolean {
  return name.startsWith(".auth-") && name.endsWith(".tmp");
}
