/**
 * What may go into a log record. Logged values come from secrets, files and
 * kubelet; they are names, never credentials, but they are untrusted text:
 * a registry key may carry `user:password@`, any value may hold control
 * characters that forge or break journal lines, and a key may be megabytes
 * long.
 *
 * @module
 */

/** Longest value quoted into a record; longer ones are cut. */
export const MAX_LOGGED_VALUE = 256;

/** Longest record; longer ones are cut. */
export const MAX_LOG_RECORD = 2048;

/**
 * A registry key with everything up to its last `@` replaced (after a
 * scheme), so credentials that a secret's author put into the key never
 * reach a log, even when the key is malformed.
 *
 * @example
 * ```ts
 * import { redactRegistryKey } from "./log_text.ts";
 * redactRegistryKey("https://bob:hunter2@mirror.example:5000/v1/"); // "https://REDACTED@mirror.example:5000/v1/"
 * redactRegistryKey("mirror.example:5000"); // "mirror.example:5000"
 * ```
 */
export function redactRegistryKey(key: string): string {
  // Up to the last "@": a damaged scheme ("https//user:pw@host") must not expose the password.
  return key.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^]*@/, "$1REDACTED@");
}

/**
 * `value` cut to `max` characters, saying how much was cut.
 *
 * @example
 * ```ts
 * import { cutText } from "./log_text.ts";
 * cutText("abcdef", 3); // "abc… (3 more characters)"
 * ```
 */
export function cutText(value: string, max: number = MAX_LOGGED_VALUE): string {
  return value.length <= max
    ? value
    : `${value.slice(0, max)}… (${value.length - max} more characters)`;
}

/**
 * `text` with every occurrence of `secret`, of each of its `.`-separated
 * parts of 8 characters or more (a JWT's payload or signature), and of any
 * run of token characters (dots inside it included) that shares 16
 * characters in a row with it (an echo cut short, glued to other text, or
 * spanning a dot) replaced by `REDACTED`: servers and
 * proxies may echo a bearer token back in a message.
 *
 * @example
 * ```ts
 * import { withoutSecret } from "./log_text.ts";
 * withoutSecret("token aaaaaaaa.bbbbbbbbbb.cccccccccc is invalid", "aaaaaaaa.bbbbbbbbbb.cccccccccc");
 * // "token REDACTED is invalid"
 * withoutSecret("signature cccccccccc rejected", "aaaaaaaa.bbbbbbbbbb.cccccccccc");
 * // "signature REDACTED rejected"
 * ```
 */
export function withoutSecret(text: string, secret: string): string {
  if (secret === "") return text;
  // Messages are cut to a few hundred characters for logs anyway; a longer text is cut
  // first, so that redacting costs little and no pattern meets a run of megabytes.
  let result = cutText(text, MAX_REDACTED_TEXT).replaceAll(secret, "REDACTED");
  for (const part of secret.split(".")) {
    if (part.length >= 8) result = result.replaceAll(part, "REDACTED");
  }
  if (secret.length < ECHO_WINDOW) return result;
  // A cut or glued echo: any run of token characters sharing 16 in a row with the secret.
  const windows = new Set<string>();
  for (let at = 0; at + ECHO_WINDOW <= secret.length; at++) {
    windows.add(secret.slice(at, at + ECHO_WINDOW));
  }
  // Runs may span the token's dots ("…ifQ.c2ln…" shares 16 characters across one), but not
  // end in one, so that a sentence's full stop stays.
  return result.replace(/[A-Za-z0-9_\-+/=]+(?:\.[A-Za-z0-9_\-+/=]+)*/g, (run) => {
    if (run.length < ECHO_WINDOW) return run;
    for (let at = 0; at + ECHO_WINDOW <= run.length; at++) {
      if (windows.has(run.slice(at, at + ECHO_WINDOW))) return "REDACTED";
    }
    return run;
  });
}

/** Characters in a row that, shared with a secret, make a piece of text an echo of it. */
const ECHO_WINDOW = 16;

/** The longest text {@linkcode withoutSecret} reads; the rest is cut, saying how much. */
export const MAX_REDACTED_TEXT = 64 * 1024;

/** What a registry key looks like: `[scheme://][userinfo@]host[:port][/path]`. */
const KEY_SHAPE =
  /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?(?:[^/@]*@)?(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?(?:\/[!-~]*)?$/;

/**
 * A registry key as logs show it: credentials redacted, cut to a sane
 * length. A key that does not look like one (a damaged document may have
 * glued a password onto a host name) is not shown at all, only its length.
 *
 * @example
 * ```ts
 * import { loggedKey } from "./log_text.ts";
 * loggedKey("u:p@quay.io"); // "REDACTED@quay.io"
 * loggedKey("https://user:hunter2mirror.example:5000"); // "<unreadable key of 39 characters>"
 * ```
 */
export function loggedKey(key: string): string {
  if (!KEY_SHAPE.test(key)) return `<unreadable key of ${key.length} characters>`;
  return cutText(redactRegistryKey(key));
}

/**
 * One log record: control characters (C0, DEL, C1, and the Unicode line and
 * paragraph separators) escaped as `\xNN` / `\uNNNN`, so a value can neither
 * start a new line nor hide text, then cut to {@linkcode MAX_LOG_RECORD}.
 *
 * @example
 * ```ts
 * import { logRecord } from "./log_text.ts";
 * logRecord("Parsing secret: a\nforged line"); // "Parsing secret: a\\x0aforged line"
 * ```
 */
export function logRecord(message: string): string {
  const escaped = message.replace(
    // deno-lint-ignore no-control-regex -- finding control characters is the point
    /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g,
    (c) => {
      const code = c.charCodeAt(0);
      return code < 0x100
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`;
    },
  );
  return cutText(escaped, MAX_LOG_RECORD);
}
