/**
 * Asks the real containers/image, inside Debian's skopeo, which endpoints it
 * tries for an image and which of them it refuses as blocked.
 *
 * skopeo runs in fresh mount and network namespaces: the scenario's
 * `etc/containers` and `usr/share/containers` are bound over the real ones and
 * HOME points into the scenario, so skopeo discovers files exactly as CRI-O
 * does by default, and no packet can leave the machine. skopeo logs every
 * attempt (`Trying to access "…"`) and why it failed (`Accessing "…" failed: …`).
 */

/** What containers/image did: the endpoints it tried, or the error it stopped with. */
export type OracleAnswer =
  | { readonly sources: readonly { readonly name: string; readonly blocked: boolean }[] }
  | { readonly error: string };

const ZERO_DIGEST = `sha256:${"0".repeat(64)}`;

// Go's logrus quotes a field value like strconv.Quote; this undoes the escapes it emits.
function goUnquote(value: string): string {
  return value.replace(
    /\\(x[0-9a-f]{2}|.)/g,
    (_m, e: string) =>
      e.length === 3
        ? String.fromCharCode(parseInt(e.slice(1), 16))
        : ({ n: "\n", t: "\t", r: "\r" } as Record<string, string>)[e] ?? e,
  );
}

function messages(stderr: string, level: string): string[] {
  const pattern = new RegExp(`level=${level} msg="((?:\\\\.|[^"\\\\])*)"`);
  return stderr.split("\n").flatMap((line) => {
    const match = pattern.exec(line);
    return match?.[1] === undefined ? [] : [goUnquote(match[1])];
  });
}

function withoutTagOrDigest(reference: string): string {
  return reference.replace(/@sha256:[0-9a-f]{64}$/, "").replace(/:[\w][\w.-]{0,127}$/, "");
}

/**
 * Runs skopeo against the scenario rooted at `root` (holding `etc/containers`,
 * `usr/share/containers` and `home`). A name without tag or digest is looked
 * up as a digest pull, so that digest-only mirrors are listed too.
 */
export async function skopeoPullSources(root: string, image: string): Promise<OracleAnswer> {
  const bare = !image.includes("@") && !/:[\w][\w.-]*$/.test(image.slice(image.lastIndexOf("/")));
  const reference = bare ? `${image}@${ZERO_DIGEST}` : image;
  const script = [
    "mkdir -p /etc/containers /usr/share/containers",
    'mount --bind "$1/etc/containers" /etc/containers',
    'mount --bind "$1/usr/share/containers" /usr/share/containers',
    'exec timeout 30 skopeo --debug inspect --no-tags --authfile "$1/auth.json" "docker://$2"',
  ].join(" && ");
  const output = await new Deno.Command("unshare", {
    args: ["-m", "-n", "sh", "-c", script, "sh", root, reference],
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: `${root}/home` },
    stdout: "null",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  const debug = messages(stderr, "debug");
  const tried = debug.flatMap((m) => /^Trying to access "(.*)"$/.exec(m)?.[1] ?? []);
  if (tried.length === 0) {
    const fatal = messages(stderr, "fatal").at(-1);
    if (fatal === undefined) {
      throw new Error(`skopeo printed neither sources nor an error:\n${stderr}`);
    }
    return { error: fatal };
  }
  return {
    sources: tried.map((source) => {
      const failure = debug.find((m) => m.startsWith(`Accessing "${source}" failed: `)) ?? "";
      return { name: withoutTagOrDigest(source), blocked: failure.includes(" is blocked in ") };
    }),
  };
}

/** Creates the directories skopeo's mounts need inside a scenario root. */
export async function prepareOracleRoot(root: string): Promise<void> {
  for (const dir of ["etc/containers", "usr/share/containers", "home"]) {
    await Deno.mkdir(`${root}/${dir}`, { recursive: true });
  }
  await Deno.writeTextFile(`${root}/auth.json`, '{"auths":{}}');
}
