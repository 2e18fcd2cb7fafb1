/**
 * Random JSON texts for the property test of `domain/text/json_document.ts`
 * (`tests/domain/text/json_document_property_test.ts`): valid documents with
 * repeated keys and the whitespace JSON allows, then mutated by a few
 * characters inserted, deleted or replaced, or cut short.
 */

/** mulberry32: small, seedable, good enough to draw test documents. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Each case has its own generator, so one case replays alone. */
export function caseRandom(seed: number, index: number): () => number {
  return random(seed ^ Math.imul(index + 1, 0x9e3779b9));
}

const STRINGS = [
  "",
  "a",
  "hunter2",
  '\\"',
  "\\\\",
  "\\/",
  "\\n\\t",
  "\\u0041",
  "\\u00e9",
  "\\ud83d\\ude00",
  "\\ud800",
  "\\udc00x",
  "é",
  "\u{1f600}",
  "a b",
  "\u2028",
];
const NUMBERS = [
  "0",
  "-0",
  "1",
  "-12",
  "3.25",
  "1e5",
  "1E+5",
  "2e-3",
  "-0.0e0",
  "123456789012345678901234567890",
];
const SPACES = ["", "", "", " ", "\n", "\t", "\r\n", "  "];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

/** A valid JSON text, with repeated keys and whitespace JSON allows. */
function validJson(next: () => number, depth = 0): string {
  const space = () => pick(next, SPACES);
  const roll = next();
  if (depth < 3 && roll < 0.3) {
    const members = Array.from(
      { length: Math.floor(next() * 4) },
      () => `${space()}"${pick(next, STRINGS)}"${space()}:${validJson(next, depth + 1)}`,
    );
    return `${space()}{${members.join(",")}${space()}}${space()}`;
  }
  if (depth < 3 && roll < 0.5) {
    const items = Array.from({ length: Math.floor(next() * 4) }, () => validJson(next, depth + 1));
    return `${space()}[${items.join(",")}${space()}]${space()}`;
  }
  if (roll < 0.7) return `${space()}"${pick(next, STRINGS)}"${space()}`;
  if (roll < 0.9) return `${space()}${pick(next, NUMBERS)}${space()}`;
  return `${space()}${pick(next, ["true", "false", "null"])}${space()}`;
}

/** What a mutation inserts or puts in place of a character. */
const FRAGMENTS = [
  '"',
  "\\",
  "\u0000",
  "\u0001",
  "\u001f",
  "\t",
  "\n",
  "\r",
  "\v",
  "\f",
  ",",
  "{",
  "}",
  "[",
  "]",
  ":",
  ..."0123456789",
  "e",
  "E",
  "+",
  "-",
  ".",
  "/",
  "*",
  "//",
  "/*",
  "*/",
  "\ufeff",
  " ",
  "\u00a0",
  "\u2028",
  "u",
  "\\u",
  "\\u00",
  "\\u00e9",
  "\\ud800",
  "\\udc00",
  "\ud800",
  "\udc00",
  '\\"',
  "\x7f",
  "t",
  "true",
  "nul",
  "x",
  "'",
];

/** A valid document with one to four characters inserted, deleted or replaced, or cut short. */
export function mutatedJson(next: () => number): string {
  let text = validJson(next);
  const mutations = 1 + Math.floor(next() * 4);
  for (let i = 0; i < mutations; i++) {
    const at = Math.floor(next() * (text.length + 1));
    const roll = next();
    if (roll < 0.4) text = text.slice(0, at) + pick(next, FRAGMENTS) + text.slice(at);
    else if (roll < 0.65) text = text.slice(0, at) + text.slice(at + 1);
    else if (roll < 0.9) text = text.slice(0, at) + pick(next, FRAGMENTS) + text.slice(at + 1);
    else text = text.slice(0, at);
  }
  return text;
}
