/**
 * Random pull-secret documents (config.json and the legacy bare map) for the
 * kubelet decoding differential test (`tests/kubelet_decoding_random_test.ts`):
 * field names in other letter cases, folding runes, escapes and look-alikes;
 * auth values padded or not and broken in the ways kubelet cares about; values
 * of the wrong type, `null`, repeated keys, unknown keys, cut documents. Each
 * document is a {@linkcode Doc} tree, so a disagreement can be shrunk.
 */

import { bytes } from "./kubelet_decoding_outcomes.ts";
import { type Doc, serialize, text } from "./json_doc_tree.ts";

/** mulberry32. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export class Draw {
  constructor(readonly next: () => number) {}
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** A JSON string literal, sometimes with every code unit escaped. */
function literal(draw: Draw, value: string): string {
  if (!draw.chance(0.1)) return JSON.stringify(value);
  return `"${
    [...Array(value.length).keys()].map((i) =>
      `\\u${value.charCodeAt(i).toString(16).padStart(4, "0")}`
    ).join("")
  }"`;
}

const SPACES = ["", "", "", "", " ", "\n", "\r\n", "\t"];

function object(draw: Draw, members: readonly [string, Doc][]): Doc {
  return {
    kind: "object",
    members: members.map(([key, value]) => ({ space: draw.pick(SPACES), key, value })),
  };
}

/** A value of a type that fits none of the places it is put in (or only entries and maps). */
function wrongType(draw: Draw, forContainers = false): Doc {
  const scalars = ["5", "-1.5e3", "0", "true", "false", "[]", '["x"]', '"x"', "[{}]"];
  return text(
    draw.pick(
      forContainers ? scalars : [...scalars.filter((s) => s !== '"x"'), "{}", '{"a":"b"}'],
    ),
  );
}

/** A field name in random spellings: exact, other letter case, folding runes, escapes, look-alikes. */
function spell(draw: Draw, name: string): string {
  const roll = draw.next();
  if (roll < 0.4) return literal(draw, name);
  if (roll < 0.5) return literal(draw, name.toUpperCase());
  if (roll < 0.58) return literal(draw, name[0]!.toUpperCase() + name.slice(1));
  if (roll < 0.72) {
    return literal(draw, [...name].map((c) => draw.chance(0.5) ? c.toUpperCase() : c).join(""));
  }
  const swaps: Record<string, string[]> = {
    s: ["\u017f", "S"],
    k: ["\u212a", "K"],
    i: ["\u0130", "\u0131", "I"],
    a: ["\u0430", "A"],
    e: ["\u0435", "E"],
  };
  const letters = [...name].map((c) => {
    const options = swaps[c.toLowerCase()];
    return options !== undefined && draw.chance(0.6) ? draw.pick(options) : c;
  });
  if (draw.chance(0.3)) {
    // One letter written as a JSON escape (the key decodes to the same name).
    const at = draw.int(letters.length);
    return `"${
      letters.map((c, i) =>
        i === at
          ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
          : JSON.stringify(c).slice(1, -1)
      ).join("")
    }"`;
  }
  return literal(draw, letters.join(""));
}

const STRING_VALUES = [
  "user",
  "pw",
  "p:w",
  "",
  "\u00fc",
  "\ud800",
  "\n",
  'a"b',
  "\u{1f600}",
  "hunter2",
];
const USERS = ["user", "u", "", "\u00fcser", "a b", "\u{1f600}"];
const PASSWORDS = ["pw", "p:w:x", "", "h\u00fcnter2", "\n", "="];

/** The bytes an auth value encodes: user:password, no colon, random bytes (not always UTF-8). */
function authPayload(draw: Draw): Uint8Array {
  const roll = draw.next();
  if (roll < 0.5) return bytes(`${draw.pick(USERS)}:${draw.pick(PASSWORDS)}`);
  if (roll < 0.65) return bytes(draw.pick(["user", "", "\u00fc", "useronly"]));
  if (roll < 0.85) {
    return Uint8Array.from({ length: draw.int(9) }, () => draw.chance(0.2) ? 0x3a : draw.int(256));
  }
  return bytes(draw.pick([":", "::", "\u00e9:\u20ac"]));
}

/** An auth value: padded or unpadded base64, then perhaps broken in the ways kubelet cares about. */
function authValue(draw: Draw): string {
  let value = authPayload(draw).toBase64();
  if (draw.chance(0.5)) value = value.replace(/=+$/, "");
  const insert = (piece: string) => {
    const at = draw.int(value.length + 1);
    value = value.slice(0, at) + piece + value.slice(at);
  };
  for (let i = draw.int(3); i > 0; i--) {
    const roll = draw.next();
    if (roll < 0.25) insert(draw.pick(["\r\n", "\n", "\r"]));
    else if (roll < 0.35) insert(" ");
    else if (roll < 0.45) insert("=");
    else if (roll < 0.55) {
      insert(draw.pick(["!", "-", "_", "\u00e9", "\u0085", "\u00a0", "\ufeff", "\t", "."]));
    } else if (roll < 0.7) {
      const at = draw.int(value.length);
      value = value.slice(0, at) + value.slice(at + 1);
    } else if (roll < 0.8) value += draw.pick(["=", "==", "\n", " ", "\r\n"]);
    else if (roll < 0.85) value = ` ${value}`;
    else if (roll < 0.95) value += draw.pick(["A", "AB", "ABC"]);
  }
  return value;
}

const ENTRY_FIELDS = ["username", "password", "auth", "email", "identitytoken"];
const UNKNOWN_FIELDS = ["user", "pass", "token", "auths", "auth ", "x", ""];

function stringField(draw: Draw, wrong: number, values: () => string): Doc {
  const roll = draw.next();
  if (roll < wrong) return wrongType(draw);
  if (roll < wrong + 0.08) return text("null");
  return text(literal(draw, values()));
}

function entry(draw: Draw): Doc {
  const roll = draw.next();
  if (roll < 0.06) return text("null");
  if (roll < 0.12) return wrongType(draw, true);
  const members: [string, Doc][] = [];
  for (let i = draw.int(5); i > 0; i--) {
    if (draw.chance(0.1)) {
      members.push([
        literal(draw, draw.pick(UNKNOWN_FIELDS)),
        draw.chance(0.5) ? wrongType(draw) : text('"x"'),
      ]);
      continue;
    }
    const field = draw.pick(ENTRY_FIELDS);
    const value = field === "auth"
      ? (draw.chance(0.05) ? text('""') : stringField(draw, 0.05, () => authValue(draw)))
      : stringField(
        draw,
        field === "identitytoken" ? 0.3 : field === "email" ? 0.15 : 0.04,
        () => draw.pick(STRING_VALUES),
      );
    members.push([spell(draw, field), value]);
  }
  return object(draw, members);
}

const REGISTRY_KEYS = [
  "quay.io",
  "quay.io",
  "docker.io",
  "https://index.docker.io/v1/",
  "m:5000",
  "a.io",
  "",
  "*.example.com",
  "\u00fc.example",
  "QUAY.IO",
  "localhost:5000/path",
];

function registryKey(draw: Draw): string {
  const roll = draw.next();
  // Keys that are the same after decoding, and lone surrogates (U+FFFD in Go).
  if (roll < 0.05) return '"\\u0071uay.io"';
  if (roll < 0.11) return draw.pick(['"\\ud800"', '"\\udc00"', '"\\ud800x"', '"\\ud83d\\ude00"']);
  return literal(draw, draw.pick(REGISTRY_KEYS));
}

function registries(draw: Draw): Doc {
  return object(draw, Array.from({ length: draw.int(5) }, () => [registryKey(draw), entry(draw)]));
}

function stringMap(draw: Draw): Doc {
  const roll = draw.next();
  if (roll < 0.1) return text("null");
  if (roll < 0.25) return wrongType(draw, true);
  return object(
    draw,
    Array.from({ length: draw.int(3) }, () => [
      literal(draw, draw.pick(["X-Meta", "m", "quay.io", ""])),
      stringField(draw, 0.1, () => draw.pick(["v", "helper", ""])),
    ]),
  );
}

/** Any small JSON value, for keys nobody reads. */
function anyValue(draw: Draw, depth = 0): Doc {
  const roll = draw.next();
  if (depth < 2 && roll < 0.2) {
    return object(
      draw,
      Array.from(
        { length: draw.int(3) },
        () => [literal(draw, draw.pick(STRING_VALUES)), anyValue(draw, depth + 1)],
      ),
    );
  }
  if (depth < 2 && roll < 0.3) {
    return {
      kind: "array",
      items: Array.from({ length: draw.int(3) }, () => anyValue(draw, depth + 1)),
    };
  }
  return text(draw.pick(["null", "true", "1", "-0.5e-3", "1e999", '"x"', '""', "[]", "{}"]));
}

const TOP_KEYS: readonly [number, string[]][] = [
  [0.45, ["auths", "AUTHS", "Auths", "aUThs", "auth\u017f"]],
  [0.6, ["HttpHeaders", "httpheaders", "HTTPHEADERS", "HttpHeader\u017f"]],
  [0.75, ["credHelpers", "credhelpers", "CREDHELPERS", "credHelper\u017f"]],
  [1, ["auth", "unknown", "auths ", "\u0430uths", "identitytoken", "Auth"]],
];

function topLevel(draw: Draw): Doc {
  const members: [string, Doc][] = [];
  for (let i = draw.int(5); i > 0; i--) {
    const roll = draw.next();
    const [, names] = TOP_KEYS.find(([upTo]) => roll < upTo)!;
    const name = draw.pick(names);
    const folded = name.toLowerCase().replace("\u017f", "s");
    let value: Doc;
    if (folded === "auths") {
      const kind = draw.next();
      value = kind < 0.8 ? registries(draw) : kind < 0.88 ? text("null") : wrongType(draw, true);
    } else if (folded === "httpheaders" || folded === "credhelpers") value = stringMap(draw);
    else value = anyValue(draw);
    members.push([spell(draw, name), value]);
  }
  return object(draw, members);
}

export function randomDocument(draw: Draw): Doc {
  const roll = draw.next();
  if (roll < 0.65) return topLevel(draw);
  if (roll < 0.88) return registries(draw); // the legacy bare map
  if (roll < 0.93) {
    return text(draw.pick(["null", "[]", "[{}]", '"x"', "5", "true", "{}", " null "]));
  }
  const whole = draw.chance(0.5) ? topLevel(draw) : registries(draw);
  return { kind: "cut", doc: whole, at: draw.int(serialize(whole).length) };
}
