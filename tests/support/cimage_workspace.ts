import type { Setting } from "./cimage_answers.ts";

/**
 * Where settings are written, a chunk at a time, into reused slot folders:
 * creating files is cheap, but removing thousands of folders can take longer
 * than the whole comparison on some disks. Folders a setting creates beyond
 * the usual ones are removed with it, so no setting sees another's files.
 */
export class Workspace {
  static readonly USUAL = [
    "home/.config/containers/registries.conf.d",
    "etc/containers/registries.conf.d",
    "srv/crio/registries.conf.d",
    "usr/share/containers/registries.conf.d",
  ];
  readonly #kept = new Set<string>();

  constructor(readonly base: string) {
    for (const dir of Workspace.USUAL) {
      const parts = dir.split("/");
      parts.forEach((_p, i) => this.#kept.add(parts.slice(0, i + 1).join("/")));
    }
  }

  /** The root of slot `index`. */
  root(index: number): string {
    return `${this.base}/slot${index}`;
  }

  /** Writes the setting's files under its root; returns what to remove afterwards. */
  async write(setting: Setting): Promise<string[]> {
    const created: string[] = [];
    const ensure = async (relative: string) => {
      const parts = relative.split("/");
      for (let i = 1; i <= parts.length; i++) {
        const dir = parts.slice(0, i).join("/");
        try {
          await Deno.mkdir(`${setting.root}/${dir}`);
          if (!this.#kept.has(dir)) created.push(dir);
        } catch (error) {
          if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
        }
      }
    };
    await Deno.mkdir(setting.root, { recursive: true });
    await ensure("home");
    const written: string[] = [];
    for (const [relative, entry] of Object.entries(setting.files)) {
      await ensure(relative.slice(0, relative.lastIndexOf("/")));
      const path = `${setting.root}/${relative}`;
      if (typeof entry === "string") await Deno.writeTextFile(path, entry);
      else if ("symlink" in entry) await Deno.symlink(entry.symlink, path);
      else await ensure(relative);
      written.push(relative);
    }
    return [...written, ...created.reverse()];
  }

  /** Removes what {@linkcode write} returned. */
  async clear(setting: Setting, written: readonly string[]): Promise<void> {
    for (const relative of written) {
      await Deno.remove(`${setting.root}/${relative}`, { recursive: true }).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    }
  }
}
