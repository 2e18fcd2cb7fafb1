import { assertEquals } from "../../support/assert.ts";
import {
  MAX_NAMED_SECRETS,
  PULL_SECRETS_ANNOTATION,
  secretSelection,
} from "../../../domain/credentials/pull_secret_annotation.ts";

Deno.test("secretSelection() reads the service account's pull-secrets annotation", async (t) => {
  const named = (value: string) => ({ [PULL_SECRETS_ANNOTATION]: value });
  const rows: readonly [string, Record<string, string> | undefined, unknown][] = [
    ["no annotations: list", undefined, { kind: "list" }],
    ["other annotations only: list", { "example.com/id": "42" }, { kind: "list" }],
    ["one name", named("mirror-creds"), { kind: "named", names: ["mirror-creds"] }],
    ["names in precedence order, spaces trimmed", named(" mirror-creds ,cache-creds"), {
      kind: "named",
      names: ["mirror-creds", "cache-creds"],
    }],
    ["dotted names (DNS-1123 subdomains)", named("creds.v2"), {
      kind: "named",
      names: ["creds.v2"],
    }],
    ["an empty value", named(""), {
      kind: "malformed",
      value: "",
      problem: "it has an empty name",
    }],
    ["an empty entry", named("a,,b"), {
      kind: "malformed",
      value: "a,,b",
      problem: "it has an empty name",
    }],
    ["an upper-case name", named("Mirror"), {
      kind: "malformed",
      value: "Mirror",
      problem: '"Mirror" is not a Secret name (a DNS-1123 subdomain)',
    }],
    ["a path", named("../x"), {
      kind: "malformed",
      value: "../x",
      problem: '"../x" is not a Secret name (a DNS-1123 subdomain)',
    }],
    ["a repeated name", named("a, b, a"), {
      kind: "malformed",
      value: "a, b, a",
      problem: 'it names "a" twice',
    }],
    [
      "too many names",
      named(Array.from({ length: MAX_NAMED_SECRETS + 1 }, (_, i) => `s${i}`).join(",")),
      {
        kind: "malformed",
        value: Array.from({ length: MAX_NAMED_SECRETS + 1 }, (_, i) => `s${i}`).join(","),
        problem: `it names more than ${MAX_NAMED_SECRETS} secrets`,
      },
    ],
  ];
  for (const [name, annotations, expected] of rows) {
    await t.step(`secretSelection() with ${name}`, () => {
      assertEquals(secretSelection(annotations), expected);
    });
  }
});
