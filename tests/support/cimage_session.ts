/**
 * Asking the containers/image oracle that `cimage_oracle.ts` builds: one
 * running process per {@linkcode CimageSession}, asked batch after batch, or
 * one run over a list of requests ({@linkcode askCimage}). Requests and
 * answers are JSON lines (`cimage_protocol.ts`).
 */

import type {
  Answers,
  CimageRequest,
  CredentialsAnswer,
  RegistriesAnswer,
  RegistriesRequest,
} from "./cimage_protocol.ts";

const PROGRAM = "cimage-oracle";

/** Options for {@linkcode CimageSession.start} and {@linkcode askCimage}. */
export interface AskOptions {
  /** Environment of the oracle process on top of the test's (e.g. a PATH holding credential helpers). */
  readonly env?: Record<string, string>;
}

/** The answer type of a request type. */
export type AnswerOf<T extends CimageRequest> = Answers<
  T extends RegistriesRequest ? RegistriesAnswer : CredentialsAnswer
>;

/**
 * One running oracle process, asked batch after batch (one batch at a time),
 * so that a test can prepare the files of the next batch after each answer.
 */
export class CimageSession {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;
  readonly #stderr: Promise<string>;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = lines(child.stdout)[Symbol.asyncIterator]();
    this.#stderr = new Response(child.stderr).text();
  }

  /** Starts the oracle at `path`. */
  static start(path: string, options: AskOptions = {}): CimageSession {
    return new CimageSession(
      new Deno.Command(path, {
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
        ...(options.env === undefined ? {} : { env: options.env }),
      }).spawn(),
    );
  }

  /**
   * Sends `requests` and returns their answers, in order. Throws, with the
   * program's stderr, when it stops before answering them all.
   */
  async ask<T extends CimageRequest>(requests: readonly T[]): Promise<AnswerOf<T>[]> {
    const input = new TextEncoder().encode(
      requests.map((request) => `${JSON.stringify(request)}\n`).join(""),
    );
    // Write while the answers are read, so a large batch cannot fill both pipes.
    const writing = this.#writer.write(input).then(() => undefined, (error) => error);
    const answers: AnswerOf<T>[] = [];
    while (answers.length < requests.length) {
      const line = await this.#lines.next();
      if (line.done) {
        const stderr = await this.#end();
        throw new Error(
          `${PROGRAM} answered ${answers.length} of ${requests.length} requests: ${stderr}`,
        );
      }
      answers.push(JSON.parse(line.value));
    }
    const writeError = await writing;
    if (writeError !== undefined) {
      throw new Error(`${PROGRAM} stopped reading its input: ${String(writeError)}`);
    }
    return answers;
  }

  /** Ends the process; throws, with its stderr, when it did not exit successfully. */
  async close(): Promise<void> {
    await this.#end();
  }

  /** Closes the input, drains the output, and returns stderr; throws on a failed exit. */
  async #end(): Promise<string> {
    await this.#writer.close().catch(() => {});
    while (!(await this.#lines.next()).done) { /* output nobody asked for */ }
    const status = await this.#child.status;
    const stderr = (await this.#stderr).trim();
    if (!status.success) throw new Error(`${PROGRAM} failed (exit ${status.code}): ${stderr}`);
    return stderr;
  }
}

/** The lines of a byte stream, without their line ends. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (pending + chunk).split("\n");
    pending = parts.pop() ?? "";
    for (const line of parts) if (line !== "") yield line;
  }
  if (pending !== "") yield pending;
}

/**
 * Runs the oracle at `path` once over all `requests` and returns its answers
 * in order. Throws, with the program's stderr, when it fails or does not
 * answer every request exactly once.
 */
export async function askCimage<T extends CimageRequest>(
  path: string,
  requests: readonly T[],
  options: AskOptions = {},
): Promise<AnswerOf<T>[]> {
  const session = CimageSession.start(path, options);
  try {
    return await session.ask(requests);
  } finally {
    await session.close();
  }
}
