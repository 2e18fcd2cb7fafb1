/**
 * A JSON document as a tree of JSON text pieces, written out by
 * {@linkcode serialize} and made smaller by {@linkcode smaller}, so that a
 * disagreement found on a random document can be shrunk member by member
 * (`tests/kubelet_decoding_random_test.ts`).
 */

/** A document as a tree, so a disagreement can be shrunk member by member. */
export type Doc =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "object"; readonly members: readonly Member[] }
  | { readonly kind: "array"; readonly items: readonly Doc[] }
  | { readonly kind: "cut"; readonly doc: Doc; readonly at: number };

export interface Member {
  readonly space: string;
  /** The key as JSON text, quotes included. */
  readonly key: string;
  readonly value: Doc;
}

export function serialize(doc: Doc): string {
  switch (doc.kind) {
    case "text":
      return doc.text;
    case "object":
      return `{${doc.members.map((m) => `${m.space}${m.key}:${serialize(m.value)}`).join(",")}}`;
    case "array":
      return `[${doc.items.map(serialize).join(",")}]`;
    case "cut": {
      const text = serialize(doc.doc);
      return text.slice(0, Math.min(doc.at, text.length - 1));
    }
  }
}

export const text = (value: string): Doc => ({ kind: "text", text: value });

/** Smaller documents: a member or item left out, a value made simpler, a cut undone. */
export function* smaller(doc: Doc): Generator<Doc> {
  switch (doc.kind) {
    case "object":
      for (let i = 0; i < doc.members.length; i++) {
        yield { kind: "object", members: doc.members.filter((_, j) => j !== i) };
      }
      for (let i = 0; i < doc.members.length; i++) {
        const member = doc.members[i]!;
        const plain = JSON.stringify(JSON.parse(member.key));
        if (plain !== member.key) {
          yield {
            kind: "object",
            members: doc.members.map((m, j) => j === i ? { ...m, key: plain } : m),
          };
        }
        if (member.space !== "") {
          yield {
            kind: "object",
            members: doc.members.map((m, j) => j === i ? { ...m, space: "" } : m),
          };
        }
        for (const value of smaller(member.value)) {
          yield {
            kind: "object",
            members: doc.members.map((m, j) => j === i ? { ...m, value } : m),
          };
        }
      }
      return;
    case "array":
      for (let i = 0; i < doc.items.length; i++) {
        yield { kind: "array", items: doc.items.filter((_, j) => j !== i) };
      }
      for (let i = 0; i < doc.items.length; i++) {
        for (const item of smaller(doc.items[i]!)) {
          yield { kind: "array", items: doc.items.map((d, j) => j === i ? item : d) };
        }
      }
      return;
    case "cut":
      for (const inner of smaller(doc.doc)) yield { ...doc, doc: inner };
      if (doc.at > 1) yield { ...doc, at: doc.at - 1 };
      return;
    case "text":
      if (doc.text !== "null") yield text("null");
      if (doc.text !== "0") yield text("0");
      if (doc.text !== '""') yield text('""');
      if (doc.text.startsWith('"') && doc.text.length > 2) {
        // Drop one character of a string (an escape may break: then the kind changes and it is not kept).
        for (let i = 1; i < doc.text.length - 1; i++) {
          yield text(doc.text.slice(0, i) + doc.text.slice(i + 1));
        }
      }
      return;
  }
}
