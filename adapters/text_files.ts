/**
 * Reading small configuration files where "missing" is an expected answer.
 *
 * @module
 */

/**
 * The file's text, or `undefined` when it does not exist.
 *
 * @example
 * ```ts
 * import { readTextIfExists } from "./text_files.ts";
 * const text = await readTextIfExists("/var/lib/kubelet/config.json");
 * ```
 * @throws {Error} naming `what` and the path for any other failure (permissions, a directory…)
 */
export async function readTextIfExists(
  path: string,
  what = "file",
): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`Cannot read ${what} ${JSON.stringify(path)}`, { cause: error });
  }
}
