/**
 * One timed invocation, as kubelet makes it: a fresh process, the request
 * written to stdin, stdin closed, the answer read from stdout. Wall time is
 * taken around the whole spawn; peak memory is the child's maximum resident
 * set size as GNU time reports it (`%M`, from `wait4`'s rusage), the same way
 * for every program.
 *
 * @module
 */

/** One run's outcome. */
export interface Run {
  readonly ms: number;
  /** Peak resident set size, KiB. */
  readonly kb: number;
  readonly code: number;
  readonly stdout: string;
  /** The program's stderr, without GNU time's lines. */
  readonly stderr: string;
}

/** How to start one invocation. */
export interface Invocation {
  readonly command: readonly string[];
  readonly cwd: string;
  /** The whole environment (nothing is inherited). */
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: string;
}

const TIME = "/usr/bin/time";
const MARK = "@@peak-rss-kib=";

/** Whether GNU time is installed where the benchmark runs it. */
export async function hasGnuTime(): Promise<boolean> {
  return (await Deno.stat(TIME).catch(() => undefined))?.isFile ?? false;
}

/** Runs `invocation` once and measures it. */
export async function timedRun(invocation: Invocation): Promise<Run> {
  const started = performance.now();
  const child = new Deno.Command(TIME, {
    args: ["-f", `${MARK}%M`, ...invocation.command],
    cwd: invocation.cwd,
    clearEnv: true,
    env: { ...invocation.env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(invocation.stdin)).catch(() => {});
  await writer.close().catch(() => {});
  const output = await child.output();
  const ms = performance.now() - started;
  const decoder = new TextDecoder();
  const stderr = decoder.decode(output.stderr);
  const at = stderr.lastIndexOf(MARK);
  if (at === -1) throw new Error(`${invocation.command.join(" ")}: no peak memory from GNU time`);
  const kb = Number(stderr.slice(at + MARK.length).trim());
  const own = stderr.slice(0, at).replace(
    /^Command (exited with non-zero status|terminated).*\n/m,
    "",
  );
  return { ms, kb, code: output.code, stdout: decoder.decode(output.stdout), stderr: own };
}

/** The `q` quantile of `values`, interpolated between neighbours (NaN when empty). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const below = sorted[Math.floor(at)]!;
  const above = sorted[Math.ceil(at)]!;
  return below + (above - below) * (at - Math.floor(at));
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
