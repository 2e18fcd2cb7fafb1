/**
 * Reading small configuration files where "missing" is an expected answer.
 * Only regular files are read: a FIFO or a device where a file should be
 * would block the run (or never end), and a directory cannot be read.
 *
 * @module
 */

/** Options for {@linkcode readTextIfExists}. */
export interface TextFileOptions {
  /** How to turn the bytes into text. @default UTF-8 with replacement, as `Deno.readTextFile` */
  readonly decode?: (bytes: Uint8Array) => string;
  /** The largest file read, in bytes. @default MAX_CONFIG_FILE_BYTES */
  readonly maxBytes?: number;
}

/**
 * The largest configuration file read (registries.conf with 20,000 tables is
 * about 1.5 MiB, a global auth file with thousands of entries a few hundred
 * KiB): a larger one is refused before it fills memory.
 */
export const MAX_CONFIG_FILE_BYTES = 32 * 1024 * 1024;

/**
 * The file's text, or `undefined` when it does not exist.
 *
 * @example
 * ```ts
 * import { readTextIfExists } from "./text_files.ts";
 * const text = await readTextIfExists("/var/lib/kubelet/config.json");
 * ```
 * @throws {Error} naming `what` and the path for any other failure (permissions, a directory, a FIFO, a symlink loop…)
 */
export async function readTextIfExists(
  path: string,
  what = "file",
  options: TextFileOptions = {},
): Promise<string | undefined> {
  const failed = (cause: unknown) =>
    new Error(`Cannot read ${what} ${JSON.stringify(path)}`, { cause });
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw failed(error);
  }
  if (!info.isFile) {
    throw new Error(`Cannot read ${what} ${JSON.stringify(path)}: not a regular file`);
  }
  const maxBytes = options.maxBytes ?? MAX_CONFIG_FILE_BYTES;
  if (info.size > maxBytes) {
    throw new Error(
      `Cannot read ${what} ${JSON.stringify(path)}: it is larger than ${maxBytes} bytes`,
    );
  }
  try {
    return options.decode === undefined
      ? await Deno.readTextFile(path)
      : options.decode(await Deno.readFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw failed(error);
  }
}
