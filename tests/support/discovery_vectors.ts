/**
 * vectors.md Part D (the "classic" column, the port's default) and the
 * adapter's own discovery rules, as file trees relative to a scenario root
 * that stands for `/` (with `home/` as $HOME).
 */

import { dockerHubMirror, type TreeEntry } from "./temp_tree.ts";

export const MAIN = "etc/containers/registries.conf";
export const ETC_D = "etc/containers/registries.conf.d";
export const USER_D = "home/.config/containers/registries.conf.d";

export interface DiscoveryCase {
  readonly name: string;
  readonly files: Record<string, TreeEntry>;
  /** Explicit main path (relative), as upstream passes it; classic discovery when absent. */
  readonly explicitMain?: boolean;
  readonly mirrors: readonly string[];
}

// vectors.md Part D, "classic" column (the port's default), plus the adapter's own rules.
export const DISCOVERY_CASES: readonly DiscoveryCase[] = [
  {
    name: "D01 drop-ins load in name order, the later one wins",
    explicitMain: true,
    files: {
      [MAIN]: dockerHubMirror("main.mirror"),
      [`${ETC_D}/10-a.conf`]: dockerHubMirror("a.mirror"),
      [`${ETC_D}/20-b.conf`]: dockerHubMirror("b.mirror"),
    },
    mirrors: ["b.mirror"],
  },
  {
    name: "D02 /usr/share drop-ins are never read",
    explicitMain: true,
    files: {
      [MAIN]: dockerHubMirror("main.mirror"),
      "usr/share/containers/registries.conf.d/60-vendor.conf": dockerHubMirror("vendor.mirror"),
    },
    mirrors: ["main.mirror"],
  },
  {
    name: "D03 registries.rootful.conf.d is never read",
    explicitMain: true,
    files: {
      [MAIN]: dockerHubMirror("main.mirror"),
      "etc/containers/registries.rootful.conf.d/90-root.conf": dockerHubMirror("rootful.mirror"),
    },
    mirrors: ["main.mirror"],
  },
  {
    name: "D04 /etc drop-ins win over /usr/share ones whatever their names",
    explicitMain: true,
    files: {
      [MAIN]: dockerHubMirror("main.mirror"),
      [`${ETC_D}/20-b.conf`]: dockerHubMirror("b.mirror"),
      "usr/share/containers/registries.conf.d/30-a.conf": dockerHubMirror("a.mirror"),
    },
    mirrors: ["b.mirror"],
  },
  {
    name: "D05 same base name in /etc and /usr/share: /etc",
    explicitMain: true,
    files: {
      [MAIN]: dockerHubMirror("main.mirror"),
      [`${ETC_D}/50.conf`]: dockerHubMirror("etc.mirror"),
      "usr/share/containers/registries.conf.d/50.conf": dockerHubMirror("usr.mirror"),
    },
    mirrors: ["etc.mirror"],
  },
  {
    name: "D06 the user drop-in directory loads after the whole system directory",
    explicitMain: true,
    files: {
      [MAIN]: dockerHubMirror("main.mirror"),
      [`${ETC_D}/50.conf`]: dockerHubMirror("etc.mirror"),
      [`${USER_D}/00-user.conf`]: dockerHubMirror("user.mirror"),
    },
    mirrors: ["user.mirror"],
  },
  {
    name: "D10 only regular *.conf files directly in the directory",
    explicitMain: true,
    files: {
      [MAIN]: dockerHubMirror("main.mirror"),
      [`${ETC_D}/50.conf.bak`]: dockerHubMirror("bak.mirror"),
      [`${ETC_D}/README`]: dockerHubMirror("readme.mirror"),
      [`${ETC_D}/x.toml`]: dockerHubMirror("toml.mirror"),
      [`${ETC_D}/sub.conf/a.conf`]: dockerHubMirror("sub.mirror"),
    },
    mirrors: ["main.mirror"],
  },
  {
    name: "D11 a user registries.conf replaces the system file and its drop-ins",
    files: {
      [MAIN]: dockerHubMirror("main.mirror"),
      "home/.config/containers/registries.conf": dockerHubMirror("user-main.mirror"),
      [`${ETC_D}/50.conf`]: dockerHubMirror("etc.mirror"),
    },
    mirrors: ["user-main.mirror"],
  },
  {
    name: "D12 a user registries.conf that is a symbolic link loop: the system file",
    files: {
      [MAIN]: dockerHubMirror("main.mirror"),
      "home/.config/containers/registries.conf": { symlink: "registries.conf" },
    },
    mirrors: ["main.mirror"],
  },
  {
    name: "D13 a user registries.conf behind a dangling symbolic link: the system file",
    files: {
      [MAIN]: dockerHubMirror("main.mirror"),
      "home/.config/containers/registries.conf": { symlink: "/nonexistent/registries.conf" },
    },
    mirrors: ["main.mirror"],
  },
  {
    name: "a missing main file still applies the drop-ins (R53)",
    files: { [`${ETC_D}/a.conf`]: dockerHubMirror("dropin.mirror") },
    mirrors: ["dropin.mirror"],
  },
  {
    name: "a missing explicit main file still applies the drop-ins",
    explicitMain: true,
    files: { [`${ETC_D}/a.conf`]: dockerHubMirror("dropin.mirror") },
    mirrors: ["dropin.mirror"],
  },
  {
    name: "a missing drop-in directory is fine",
    files: { [MAIN]: dockerHubMirror("main.mirror") },
    mirrors: ["main.mirror"],
  },
  {
    name: "a dangling drop-in symlink is skipped like a vanished file",
    files: {
      [MAIN]: dockerHubMirror("main.mirror"),
      [`${ETC_D}/50.conf`]: { symlink: "/nonexistent/50.conf" },
    },
    mirrors: ["main.mirror"],
  },
];
