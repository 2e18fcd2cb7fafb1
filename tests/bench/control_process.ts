/**
 * A helper process driven over stdin and stdout, one line per command and
 * one line per answer (the benchmark's Go stand-ins).
 *
 * @module
 */

/** A running helper. */
export interface ControlProcess {
  /** The line it printed first (its "ready" line). */
  readonly greeting: string;
  /** Sends `command` and resolves with the answer line; commands are sent one at a time. */
  ask(command: string): Promise<string>;
  /** Closes its stdin (the helpers exit then) and waits for it. */
  close(): Promise<void>;
}

/** Starts `binary` with `args` and waits for its first line. */
export async function startControlProcess(
  binary: string,
  args: readonly string[],
): Promise<ControlProcess> {
  const child = new Deno.Command(binary, {
    args: [...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const readLine = async (): Promise<string> => {
    for (;;) {
      const newline = buffered.indexOf("\n");
      if (newline !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        return line;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`${binary} exited (${(await child.status).code})`);
      buffered += value;
    }
  };
  const greeting = await readLine();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    greeting,
    ask(command: string): Promise<string> {
      const answer = queue.then(async () => {
        await writer.write(new TextEncoder().encode(`${command}\n`));
        return await readLine();
      });
      queue = answer.catch(() => {});
      return answer;
    },
    async close(): Promise<void> {
      await writer.close().catch(() => {});
      await reader.cancel().catch(() => {});
      await child.status;
    },
  };
}
