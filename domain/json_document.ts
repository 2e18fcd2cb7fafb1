/**
 * JSON documents that may carry credentials (kubelet's request with its
 * token, pull secrets, the global auth file): parsed strictly (RFC 8259, as
 * Go's `encoding/json` and `JSON.parse` accept it), and a syntax error is
 * described by its kind and position only. V8's own messages quote the text
 * around the error (`..."password":hunter2}}}" is not valid JSON`), which
 * would carry secret bytes into logs.
 *
 * @module
 */

import { type Node, type ParseError, parseTree, printParseErrorCode } from "jsonc-parser";

/** A parsed JSON value that keeps every object member, in document order, duplicates included. */
export type JsonNode = Node;

// Strict JSON: no comments, no trailing commas, no empty document.
const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

const KINDS: Readonly<Record<string, string>> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a property name",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected data after the value",
  InvalidCommentToken: "comments are not allowed",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid \\u escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "control character in string",
};

/** 1-based line and column (in UTF-16 code units) of `offset`. */
function position(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function syntaxError(text: string, errors: readonly ParseError[]): SyntaxError {
  const [first] = errors;
  if (first === undefined) return new SyntaxError("invalid JSON");
  if (first.offset >= text.length) return new SyntaxError("invalid JSON: unexpected end of input");
  return new SyntaxError(
    `invalid JSON: ${KINDS[printParseErrorCode(first.error)] ?? "syntax error"} at ${
      position(text, first.offset)
    }`,
  );
}

/**
 * Parses a JSON document into plain values (`JSON.parse`), with a safe error.
 *
 * @example
 * ```ts
 * import { parseJson } from "./json_document.ts";
 * parseJson('{"image":"docker.io/library/nginx"}'); // { image: "docker.io/library/nginx" }
 * try { parseJson('{"password":hunter2}'); } catch (e) { (e as Error).message; }
 * // "invalid JSON: unexpected character at line 1, column 13"
 * ```
 * @throws {SyntaxError} `invalid JSON: <kind> at line L, column C`, never quoting the text
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const errors: ParseError[] = [];
    parseTree(text, errors, STRICT);
    throw syntaxError(text, errors);
  }
}

/**
 * Parses a JSON document into a tree that keeps what `JSON.parse` loses and
 * Go's decoder sees: repeated keys and their order.
 *
 * @example
 * ```ts
 * import { parseJsonTree } from "./json_document.ts";
 * parseJsonTree('{"a":1,"a":2}').children?.length; // 2
 * ```
 * @throws {SyntaxError} `invalid JSON: <kind> at line L, column C`, never quoting the text
 */
export function parseJsonTree(text: string): JsonNode {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, STRICT);
  if (errors.length > 0 || root === undefined) throw syntaxError(text, errors);
  return root;
}
