/**
 * The namespaced auth files on disk: written atomically into a private
 * directory, removed when stale, and what earlier runs left behind swept:
 * temporary files of killed runs and auth files CRI-O never consumed.
 *
 * CRI-O may `stat` and `rename` the target at any moment, and several
 * provider runs may write at once, so a file is never visible half-written:
 * it is written to a fresh `.auth-*.tmp` (mode 0600) in the same directory,
 * flushed, renamed over the target, and the directory is flushed too.
 *
 * @module
 */

import { isNamespacedAuthFile, isTemporaryAuthFile } from "../domain/credentials/auth_file_path.ts";
import { DeadlineError } from "../domain/errors/deadline.ts";
import type { AuthStore } from "../domain/ports.ts";
import { writeAll } from "./bytes.ts";

/** Options for {@linkcode createAuthStore}. */
export interface AuthStoreOptions {
  /** The user that must own the auth directory (normally the process's uid). */
  readonly owner?: number;
  /**
   * The run's deadline. Once it has passed, a write in flight removes its
   * temporary file and never renames it into place: the core has removed (or
   * is removing) the target, and a late rename would bring credentials back.
   */
  readonly deadline?: AbortSignal;
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

function randomSuffix(): string {
  return crypto.getRandomValues(new Uint8Array(8)).toHex();
}

function wrap(action: string, error: unknown): Error {
  return new Error(`${action}: ${(error as Error).message}`, { cause: error });
}

/** Creates the directory (0700) if missing, and refuses one another user could tamper with. */
async function ensurePrivateDir(dir: string, owner: number | undefined): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    info = await Deno.lstat(dir);
  }
  const quoted = JSON.stringify(dir);
  if (info.isSymlink) throw new Error(`Refusing auth directory ${quoted}: it is a symbolic link`);
  if (!info.isDirectory) {
    throw new Error(`Refusing auth directory ${quoted}: it is not a directory`);
  }
  const mode = (info.mode ?? 0) & 0o777;
  if (mode & 0o022) {
    throw new Error(
      `Refusing auth directory ${quoted}: it is writable by group or others (mode ${
        mode.toString(8).padStart(4, "0")
      })`,
    );
  }
  if (owner !== undefined && info.uid !== owner) {
    throw new Error(
      `Refusing auth directory ${quoted}: it is owned by uid ${info.uid}, not ${owner}`,
    );
  }
}

async function writeAtomically(
  path: string,
  content: string,
  deadline: AbortSignal | undefined,
): Promise<void> {
  if (deadline?.aborted) throw new DeadlineError();
  const dir = dirname(path);
  const temporary = `${dir}/.auth-${randomSuffix()}.tmp`;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(temporary, { write: true, createNew: true, mode: 0o600 });
  } catch (error) {
    throw wrap("create temp auth file", error);
  }
  // If the deadline passes while a write or fsync blocks, the process may exit before that
  // step returns: the temporary file (which holds credentials) goes at once.
  const dropTemporary = () => {
    try {
      Deno.removeSync(temporary);
    } catch {
      // already gone
    }
  };
  deadline?.addEventListener("abort", dropTemporary, { once: true });
  try {
    try {
      await writeAll(file, new TextEncoder().encode(content));
    } catch (error) {
      throw wrap("encode auth file", error);
    }
    try {
      await file.sync();
    } catch (error) {
      throw wrap("sync temp auth file", error);
    } finally {
      file.close();
    }
    // Checked and renamed without yielding, so no deadline can pass in between: after the
    // deadline no rename starts, and one that happened before is seen by the core's cleanup.
    if (deadline?.aborted) throw new DeadlineError();
    try {
      // deno-lint-ignore no-sync-fn-in-async-fn -- the check above and the rename must not be split
      Deno.renameSync(temporary, path);
    } catch (error) {
      throw wrap("rename temp auth file", error);
    }
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  } finally {
    deadline?.removeEventListener("abort", dropTemporary);
  }
  // Make the rename itself durable, so a crash cannot bring back an older file.
  const directory = await Deno.open(dir, { read: true });
  try {
    await directory.sync();
  } finally {
    directory.close();
  }
}

/**
 * The auth store on the local file system.
 *
 * @example
 * ```ts
 * import { createAuthStore } from "./auth_store.ts";
 * const store = createAuthStore({ owner: 0 });
 * await store.write("/etc/crio/auth/default-7e59….json", '{\n\t"auths": {}\n}\n');
 * ```
 */
export function createAuthStore(options: AuthStoreOptions = {}): AuthStore {
  return {
    async write(path: string, content: string): Promise<void> {
      try {
        await ensurePrivateDir(dirname(path), options.owner);
      } catch (error) {
        throw wrap(`ensure auth dir ${JSON.stringify(dirname(path))}`, error);
      }
      await writeAtomically(path, content, options.deadline);
    },

    async remove(path: string): Promise<boolean> {
      try {
        await Deno.remove(path);
        return true;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return false;
        throw error;
      }
    },

    async sweep(dir: string, olderThan: number): Promise<number> {
      let removed = 0;
      try {
        for await (const entry of Deno.readDir(dir)) {
          const left = isTemporaryAuthFile(entry.name) || isNamespacedAuthFile(entry.name);
          if (!entry.isFile || !left) continue;
          const path = `${dir}/${entry.name}`;
          const info = await Deno.lstat(path).catch(() => undefined);
          if ((info?.mtime?.getTime() ?? Infinity) < olderThan) {
            await Deno.remove(path).catch(() => {});
            removed++;
          }
        }
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      return removed;
    },
  };
}
