import assert from "node:assert/strict";
import { assertEquals } from "../../support/assert.ts";
import { entryCredential, parseDockerConfig } from "../../../domain/credentials/docker_config.ts";

/** Entries as `key → [username, password]` (plus the identity token when there is one). */
function decoded(text: string, legacy = false): Record<string, string[]> | string {
  try {
    const { entries } = parseDockerConfig(text, { legacy });
    const utf8 = new TextDecoder();
    return Object.fromEntries(entries.map((e) => [
      e.key,
      [
        utf8.decode(e.username),
        utf8.decode(e.password),
        ...(e.identitytoken ? [e.identitytoken] : []),
      ],
    ]));
  } catch (error) {
    assert.ok(error instanceof SyntaxError, String(error));
    return `error: ${error.message}`;
  }
}

const UP = ["user", "pw"];

/**
 * Each rule with where it comes from: kubernetes `pkg/credentialprovider/config.go`
 * (v1.34.4) and Go's `encoding/json` and `encoding/base64`.
 */
const ROWS: readonly [string, string, string, Record<string, string[]> | string][] = [
  // decodeDockerConfigFieldAuth: RawStdEncoding unless the trimmed value ends in "=".
  [
    "auth without padding",
    "config.go decodeDockerConfigFieldAuth",
    '{"auths":{"m:5000":{"auth":"dXNlcjpwdw"}}}',
    { "m:5000": UP },
  ],
  [
    "auth with padding",
    "config.go decodeDockerConfigFieldAuth",
    '{"auths":{"m":{"auth":"dXNlcjpwdw=="}}}',
    { m: UP },
  ],
  [
    "padding after trailing whitespace",
    "strings.TrimSpace, StdEncoding skips \\n",
    '{"auths":{"m":{"auth":"dXNlcjpwdw==\\n"}}}',
    { m: UP },
  ],
  [
    "line breaks inside auth",
    "encoding/base64 ignores \\r and \\n",
    '{"auths":{"m":{"auth":"dXNl\\r\\ncjpwdw=="}}}',
    { m: UP },
  ],
  [
    "a space inside auth",
    "encoding/base64: illegal data",
    '{"auths":{"m":{"auth":"dXNl cjpwdw=="}}}',
    "error: auths[entry 1].auth: illegal base64 data at input byte 4",
  ],
  [
    "padding where none may be",
    "RawStdEncoding refuses '='",
    '{"auths":{"m":{"auth":"dXN=lcjpwdw"}}}',
    "error: auths[entry 1].auth: illegal base64 data at input byte 3",
  ],
  [
    "one character too many",
    "a 4n+1 length is never base64",
    '{"auths":{"m":{"auth":"dXNlc"}}}',
    "error: auths[entry 1].auth: illegal base64 data at input byte 4",
  ],
  [
    "not base64 at all",
    "encoding/base64",
    '{"auths":{"m":{"auth":"!!"}}}',
    "error: auths[entry 1].auth: illegal base64 data at input byte 0",
  ],
  [
    "auth without a colon",
    'config.go: SplitN(…, ":", 2)',
    '{"auths":{"m":{"auth":"dXNlcg=="}}}',
    "error: auths[entry 1].auth: unable to parse auth field, must be formatted as base64(username:password)",
  ],
  ["a password with colons", "SplitN keeps the rest", '{"auths":{"m":{"auth":"dTpwOnc6eA=="}}}', {
    m: ["u", "p:w:x"],
  }],
  [
    "auth over username and password",
    "DockerConfigEntry.UnmarshalJSON",
    '{"auths":{"m":{"username":"x","password":"y","auth":"dXNlcjpwdw=="}}}',
    { m: UP },
  ],
  [
    "an empty auth",
    "len(tmp.Auth) == 0 keeps username/password",
    '{"auths":{"m":{"username":"x","password":"y","auth":""}}}',
    { m: ["x", "y"] },
  ],
  // encoding/json: a key matches a field exactly, else case-insensitively (bytes.EqualFold).
  [
    "capitalised field names",
    "encoding/json field matching",
    '{"auths":{"m":{"Username":"user","Password":"pw"}}}',
    { m: UP },
  ],
  ["upper-case AUTHS", "encoding/json field matching", '{"AUTHS":{"m":{"AUTH":"dXNlcjpwdw=="}}}', {
    m: UP,
  }],
  [
    "a long s (U+017F) folding onto s",
    "encoding/json fold.go",
    '{"auths":{"m":{"u\u017fername":"x"}}}',
    { m: ["x", ""] },
  ],
  [
    "a Kelvin sign (U+212A) is not an ASCII k",
    "only names with k fold onto it",
    '{"auths":{"m":{"username":"x","\u212auth":"dXNlcjpwdw=="}}}',
    { m: ["x", ""] },
  ],
  [
    "repeated map fields merge",
    "encoding/json reuses a non-nil map",
    '{"AUTHS":{"a.io":{"auth":"dXNlcjpwdw=="}},"auths":{"b.io":{"auth":"dXNlcjpwdw=="}}}',
    { "a.io": UP, "b.io": UP },
  ],
  [
    "a repeated field: the last wins",
    "encoding/json, in document order",
    '{"auths":{"m":{"username":"a","Username":"b","username":"c"}}}',
    { m: ["c", ""] },
  ],
  [
    "a repeated map key: the last wins",
    "map elements are decoded afresh",
    '{"auths":{"m":{"username":"a"},"m":{"password":"b"}}}',
    { m: ["", "b"] },
  ],
  // encoding/json and null: maps become nil, strings stay as they were.
  [
    "a null map after entries",
    "null empties a map",
    '{"auths":{"m":{"auth":"dXNlcjpwdw=="}},"Auths":null}',
    {},
  ],
  ["null auths", "null empties a map", '{"auths":null}', {}],
  ["a null document", "null has no effect", "null", {}],
  ["a null entry", 'UnmarshalJSON("null") decodes nothing', '{"auths":{"m":null}}', {
    m: ["", ""],
  }],
  [
    "a null field keeps its value",
    "null has no effect on a string",
    '{"auths":{"m":{"username":"a","Username":null}}}',
    { m: ["a", ""] },
  ],
  // encoding/json: values of the wrong type reject the document.
  [
    "a number where a string goes",
    "UnmarshalTypeError",
    '{"auths":{"m":{"username":5}}}',
    "error: auths[entry 1].username: cannot unmarshal number into a string",
  ],
  [
    "headers that are not strings",
    "HttpHeaders map[string]string",
    '{"HttpHeaders":{"x":5},"auths":{}}',
    "error: HttpHeaders[entry 1]: cannot unmarshal number into a string",
  ],
  [
    "an entry that is a string",
    "json.Unmarshal into the entry struct",
    '{"auths":{"m":"x"}}',
    "error: auths[entry 1]: cannot unmarshal string into a docker config entry",
  ],
  [
    "a document that is a list",
    "json.Unmarshal into DockerConfigJSON",
    "[]",
    "error: document: cannot unmarshal array into a docker config",
  ],
  [
    "unknown fields",
    "encoding/json ignores them",
    '{"auths":{"m":{"auth":"dXNlcjpwdw==","email":"e","x":[1]}},"other":{}}',
    { m: UP },
  ],
  // containers/image reads identitytoken; kubelet does not, so its type never rejects an entry.
  [
    "an identity token",
    "containers/image dockerAuthConfig",
    '{"auths":{"m":{"auth":"dTo=","IdentityToken":"t"}}}',
    { m: ["u", "", "t"] },
  ],
  [
    "an identity token of the wrong type",
    "kubelet ignores the field",
    '{"auths":{"m":{"auth":"dXNlcjpwdw==","identitytoken":5}}}',
    { m: UP },
  ],
  // Syntax errors name the kind and the place, never the text (it may be a password).
  [
    "invalid JSON",
    "never quoting the input",
    '{"auths":{"m":{"password":hunter2}}}',
    "error: invalid JSON: unexpected character at line 1, column 27",
  ],
  [
    "a byte-order mark",
    "encoding/json refuses it",
    '\ufeff{"auths":{}}',
    "error: invalid JSON: unexpected character at line 1, column 1",
  ],
  [
    "a truncated document",
    "never quoting the input",
    '{"auths":{"m":{"password":"hunter',
    "error: invalid JSON: unterminated string at line 1, column 27",
  ],
];

Deno.test("parseDockerConfig() decodes as kubelet and Go decode", async (t) => {
  for (const [name, source, text, expected] of ROWS) {
    await t.step(`parseDockerConfig() with ${name} (${source})`, () => {
      assertEquals(decoded(text), expected);
    });
  }
});

Deno.test("parseDockerConfig() reads the legacy bare map (.dockercfg)", async (t) => {
  const rows: readonly [string, string, Record<string, string[]> | string][] = [
    ["entries", '{"quay.io":{"auth":"dXNlcjpwdw=="}}', { "quay.io": UP }],
    ["null", "null", {}],
    ["a list", "[]", "error: document: cannot unmarshal array into a map of docker config entries"],
  ];
  for (const [name, text, expected] of rows) {
    await t.step(
      `parseDockerConfig() legacy ${name}`,
      () => assertEquals(decoded(text, true), expected),
    );
  }
});

Deno.test("parseDockerConfig() leaves out malformed credHelpers, which kubelet does not read", () => {
  const config = parseDockerConfig(
    '{"auths":{"m":{"auth":"dTpw"}},"credHelpers":{"a":"x","b":5}}',
    {
      legacy: false,
      credHelpers: true,
    },
  );
  assertEquals(config.entries.length, 1);
  assertEquals([...config.credHelpers], []);
  assertEquals(
    config.credHelpersProblem,
    "credHelpers[entry 2]: cannot unmarshal number into a string",
  );
});

Deno.test("parseDockerConfig() reads containers/image's credHelpers only when asked", () => {
  const text = '{"auths":{},"credHelpers":{"mirror-b.example:5000":"examplehelper"}}';
  assertEquals([...parseDockerConfig(text, { legacy: false }).credHelpers], []);
  assertEquals([...parseDockerConfig(text, { legacy: false, credHelpers: true }).credHelpers], [[
    "mirror-b.example:5000",
    "examplehelper",
  ]]);
});

Deno.test("entryCredential() writes padded auth and never an empty credential", async (t) => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  const rows: readonly [string, [string, string, string?], unknown][] = [
    ["username and password (W6)", ["myuser", "mypassword"], { auth: "bXl1c2VyOm15cGFzc3dvcmQ=" }],
    ["non-ASCII passwords as UTF-8", ["u", "pä"], { auth: "dTpww6Q=" }],
    ["an identity token", ["u", "", "tok"], { auth: "dTo=", identitytoken: "tok" }],
    ["no credentials", ["", ""], { problem: "it has no credentials" }],
    ["only an identity token", ["", "", "tok"], { problem: "it has no credentials" }],
  ];
  for (const [name, [username, password, identitytoken], expected] of rows) {
    await t.step(`entryCredential() for ${name}`, () =>
      assertEquals(
        entryCredential({
          key: "k",
          username: bytes(username),
          password: bytes(password),
          ...(identitytoken ? { identitytoken } : {}),
        }),
        expected,
      ));
  }
  await t.step("entryCredential() re-encodes an unpadded auth with padding", () => {
    const { entries } = parseDockerConfig('{"auths":{"m":{"auth":"dXNlcjpwdw"}}}', {
      legacy: false,
    });
    assertEquals(entryCredential(entries[0]!), { auth: "dXNlcjpwdw==" });
  });
  await t.step("entryCredential() keeps bytes that are not UTF-8", () => {
    const { entries } = parseDockerConfig('{"auths":{"m":{"auth":"/zr/"}}}', { legacy: false });
    assertEquals(entryCredential(entries[0]!), { auth: "/zr/" });
  });
});
