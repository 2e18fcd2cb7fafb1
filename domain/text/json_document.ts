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

/** Go's `encoding/json` refuses documents nested deeper than this (`scanner.go`, `maxNestingDepth`). */
export const MAX_NESTING_DEPTH = 10000;

/** The deepest nesting of `text`, counting `[` and `{` outside strings. */
function nestingDepth(text: string): number {
  return scan(text).depth;
}

/**
 * The deepest nesting of `text` and its number of object members (`:`
 * outside strings: in valid JSON each separates one member's key from its
 * value).
 */
function scan(text: string): { depth: number; members: number } {
  let depth = 0;
  let deepest = 0;
  let members = 0;
  let inString = false;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (inString) {
      if (code === 0x5c) at++; // the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (code === 0x5d || code === 0x7d) depth--;
    else if (code === 0x3a) members++;
  }
  return { depth: deepest, members };
}

/** `text` (valid JSON) with every container that opens below `depth` replaced by `null`. */
function flatten(text: string, depth: number): string {
  let flattened = "";
  let level = 0;
  let skipFrom = -1;
  let inString = false;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (inString) {
      if (code === 0x5c) at++;
      else if (code === 0x22) inString = false;
      continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++level === depth + 1) {
        flattened += text.slice(skipFrom + 1, at);
        skipFrom = at;
      }
    } else if (code === 0x5d || code === 0x7d) {
      if (level-- === depth + 1) {
        flattened += "null";
        skipFrom = at;
      }
    }
  }
  return flattened + text.slice(skipFrom + 1);
}

/** Options for {@linkcode parseJsonTree} and {@linkcode parseJson}. */
export interface JsonTreeOptions {
  /**
   * Levels kept; containers nested deeper are read as `null` (a decoder that
   * never looks that deep needs only to know the document is valid, and the
   * tree parser recurses).
   * @default 64
   */
  readonly depth?: number;
}

/**
 * Parses a JSON document into a tree that keeps what `JSON.parse` loses and
 * Go's decoder sees: repeated keys and their order. Like Go, it refuses
 * documents nested more than {@linkcode MAX_NESTING_DEPTH} levels deep.
 *
 * @example
 * ```ts
 * import { parseJsonTree } from "./json_document.ts";
 * parseJsonTree('{"a":1,"a":2}').children?.length; // 2
 * ```
 * @throws {SyntaxError} `invalid JSON: <kind> at line L, column C`, never quoting the text
 */
export function parseJsonTree(text: string, options: JsonTreeOptions = {}): JsonNode {
  const limit = options.depth ?? 64;
  const depth = nestingDepth(text);
  if (depth > MAX_NESTING_DEPTH) {
    throw new SyntaxError(`invalid JSON: nested more than ${MAX_NESTING_DEPTH} levels deep`);
  }
  // The tree parser recurses; a deep document is checked by JSON.parse (which does not) and
  // only its upper levels are kept.
  const shallow = depth > limit ? (validate(text), flatten(text, limit)) : text;
  const errors: ParseError[] = [];
  let root: JsonNode | undefined;
  try {
    root = parseTree(shallow, errors, STRICT);
  } catch (error) {
    if (error instanceof RangeError) throw new SyntaxError("invalid JSON: nested too deeply");
    throw error;
  }
  if (errors.length > 0 || root === undefined) throw syntaxError(text, errors);
  return root;
}

/** Throws the safe syntax error when `text` is not JSON; `JSON.parse` checks without recursing. */
function validate(text: string): void {
  try {
    JSON.parse(text);
  } catch {
    const errors: ParseError[] = [];
    try {
      parseTree(text, errors, STRICT);
    } catch {
      // Too deep for the tree parser to locate the error; the kind alone has to do.
    }
    throw syntaxError(text, errors);
  }
}

/** The plain value of a tree node; object keys are own properties, the last of a repeated key wins. */
function plainValue(node: JsonNode): unknown {
  switch (node.type) {
    case "object": {
      const object: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        // defineProperty, so that a "__proto__" key is a key, as with JSON.parse.
        Object.defineProperty(object, String(key?.value), {
          value: value === undefined ? null : plainValue(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    }
    case "array":
      return (node.children ?? []).map(plainValue);
    default:
      return node.value;
  }
}

/** What a decoder reads of a JSON value: its type, a primitive's value, a container's members in order. */
export interface JsonValueNode {
  readonly type: JsonNode["type"];
  readonly value?: unknown;
  /** An object's `property` nodes (key, then value), or an array's items. */
  readonly children?: readonly JsonValueNode[];
}

/** An integer-like key: JavaScript objects list those first, not in document order. */
const INDEX_KEY = /^(?:0|[1-9][0-9]{0,9})$/;

/**
 * Parses a JSON document for a decoder that needs what Go's decoder sees:
 * every object member in document order, repeated keys included (as
 * {@linkcode parseJsonTree}: containers nested deeper than `depth` read as
 * `null`), and a safe error.
 * Usually from `JSON.parse` (native, far cheaper in time and memory than
 * the tree): when nothing in the text can make it differ, that is no escape
 * (V8's escaped-key bug), no repeated key (counted), no integer-like key
 * (which objects reorder) and no nesting past `depth`. Otherwise from
 * {@linkcode parseJsonTree}.
 *
 * @example
 * ```ts
 * import { parseJsonDocument } from "./json_document.ts";
 * parseJsonDocument('{"a":1,"a":2}').children?.length; // 2
 * ```
 * @throws {SyntaxError} `invalid JSON: <kind> at line L, column C`, never quoting the text
 */
export function parseJsonDocument(text: string, options: JsonTreeOptions = {}): JsonValueNode {
  const limit = options.depth ?? 64;
  if (!text.includes("\\")) {
    const { depth, members } = scan(text);
    // Deeper documents are rare and the tree flattens them without recursing.
    if (depth <= limit) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return parseJsonTree(text, options); // the safe message
      }
      const counted = { members: 0, reordered: false };
      const node = valueNode(value, counted);
      if (counted.members === members && !counted.reordered) return node;
    }
  }
  return parseJsonTree(text, options);
}

/** The node of a parsed value; counts every member, and flags keys an object reorders. */
function valueNode(
  value: unknown,
  counted: { members: number; reordered: boolean },
): JsonValueNode {
  if (value === null) return { type: "null", value: null };
  if (Array.isArray(value)) {
    return { type: "array", children: value.map((item) => valueNode(item, counted)) };
  }
  if (typeof value === "object") {
    const children: JsonValueNode[] = [];
    for (const [key, member] of Object.entries(value)) {
      counted.members++;
      if (INDEX_KEY.test(key)) counted.reordered = true;
      children.push({
        type: "property",
        children: [{ type: "string", value: key }, valueNode(member, counted)],
      });
    }
    return { type: "object", children };
  }
  return { type: typeof value as "string" | "number" | "boolean", value };
}

/**
 * Parses a JSON document into plain values, with a safe error. It reads the
 * tree rather than trusting `JSON.parse`, which in V8 15.0 can return a
 * wrong key for an escaped key after it has seen a look-alike one.
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
export function parseJson(text: string, options: JsonTreeOptions = {}): unknown {
  // Without a backslash there is no escaped key for V8 to get wrong, and JSON.parse, native,
  // costs a fraction of the tree (kubelet's request is parsed on every pull). Errors still
  // come from the tree, whose messages quote nothing.
  if (!text.includes("\\") && nestingDepth(text) <= (options.depth ?? 64)) {
    try {
      return JSON.parse(text);
    } catch {
      // described below
    }
  }
  return plainValue(parseJsonTree(text, options));
}
