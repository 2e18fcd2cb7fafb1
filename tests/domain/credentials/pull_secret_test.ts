import assert from "node:assert/strict";
import { assertEquals } from "../../support/assert.ts";
import { PULL_SECRET_TYPES, secretEntries } from "../../../domain/credentials/pull_secret.ts";

const DOCKERCONFIGJSON = "kubernetes.io/dockerconfigjson";
const DOCKERCFG = "kubernetes.io/dockercfg";
const PODMAN = "kubernetes.io/podmanconfigjson";

const MODERN = '{"auths":{"quay.io":{"auth":"dXNlcjpwdw=="}}}';
const LEGACY = '{"quay.io":{"auth":"dXNlcjpwdw=="}}';
const QUAY = { "quay.io": ["user", "pw"] };

/** Entries as `key → [username, password]`, or the problem. */
function read(type: string, data: Record<string, string>, name = "s") {
  const found = secretEntries({ name, type, data });
  if ("problem" in found) return found;
  const utf8 = new TextDecoder();
  return Object.fromEntries(
    found.map((e) => [e.key, [utf8.decode(e.username), utf8.decode(e.password)]]),
  );
}

const unparsable = (detail: string, name = '"s"') =>
  `skipping secret ${name} because the docker config JSON is not parsable: ${detail}`;

/** [name, type, data, expected]: which secrets are read, and where. */
const ROWS: readonly [string, string, Record<string, string>, unknown][] = [
  ["dockerconfigjson", DOCKERCONFIGJSON, { ".dockerconfigjson": MODERN }, QUAY],
  ["dockercfg (the bare legacy map)", DOCKERCFG, { ".dockercfg": LEGACY }, QUAY],
  [
    "dockercfg holding an auths document (kubelet reads a registry called auths)",
    DOCKERCFG,
    { ".dockercfg": MODERN },
    { auths: ["", ""] },
  ],
  [
    "dockerconfigjson holding a bare map (unknown top-level keys)",
    DOCKERCONFIGJSON,
    { ".dockerconfigjson": LEGACY },
    {},
  ],
  ["podmanconfigjson under auth.json", PODMAN, { "auth.json": MODERN }, QUAY],
  ["podmanconfigjson under its only key", PODMAN, { "config.json": MODERN }, QUAY],
  [
    "podmanconfigjson: auth.json wins over other keys",
    PODMAN,
    { "other.json": '{"auths":{"x.io":{"auth":"dTpw"}}}', "auth.json": MODERN },
    QUAY,
  ],
  [
    "podmanconfigjson with two keys, neither auth.json",
    PODMAN,
    { "a.json": MODERN, "b.json": MODERN },
    { problem: 'skipping secret "s" because it does not contain data key "auth.json"' },
  ],
  [
    "podmanconfigjson without data",
    PODMAN,
    {},
    { problem: 'skipping secret "s" because it does not contain data key "auth.json"' },
  ],
  [
    "Opaque",
    "Opaque",
    { ".dockerconfigjson": MODERN },
    { problem: "secret is not a docker config JSON secret" },
  ],
  [
    "a type in another letter case",
    "kubernetes.io/DockerConfigJson",
    { ".dockerconfigjson": MODERN },
    { problem: "secret is not a docker config JSON secret" },
  ],
  [
    "an empty type",
    "",
    { ".dockerconfigjson": MODERN },
    { problem: "secret is not a docker config JSON secret" },
  ],
  [
    "dockerconfigjson without its data key",
    DOCKERCONFIGJSON,
    { ".dockercfg": LEGACY },
    { problem: 'skipping secret "s" because it does not contain data key ".dockerconfigjson"' },
  ],
  [
    "dockercfg without its data key",
    DOCKERCFG,
    { ".dockerconfigjson": MODERN },
    { problem: 'skipping secret "s" because it does not contain data key ".dockercfg"' },
  ],
  [
    "dockerconfigjson with an empty value",
    DOCKERCONFIGJSON,
    { ".dockerconfigjson": "" },
    { problem: 'skipping secret "s" because data key ".dockerconfigjson" is empty' },
  ],
  [
    "dockercfg with an empty value",
    DOCKERCFG,
    { ".dockercfg": "" },
    { problem: 'skipping secret "s" because data key ".dockercfg" is empty' },
  ],
  [
    "podmanconfigjson with an empty only key",
    PODMAN,
    { "config.json": "" },
    { problem: 'skipping secret "s" because data key "config.json" is empty' },
  ],
  [
    "a value of only whitespace (not empty: unparsable)",
    DOCKERCONFIGJSON,
    { ".dockerconfigjson": " \n" },
    { problem: unparsable("invalid JSON: unexpected end of input") },
  ],
  ["a null document", DOCKERCONFIGJSON, { ".dockerconfigjson": "null" }, {}],
  ["a null legacy document", DOCKERCFG, { ".dockercfg": "null" }, {}],
];

Deno.test("secretEntries() reads the secret types and data keys kubelet reads, and podman's", async (t) => {
  for (const [name, type, data, expected] of ROWS) {
    await t.step(`secretEntries() with ${name}`, () => assertEquals(read(type, data), expected));
  }
});

Deno.test("secretEntries() quotes the secret's name as Go's %q does", () => {
  assertEquals(read(DOCKERCONFIGJSON, {}, 'a"b\n'), {
    problem: 'skipping secret "a\\"b\\n" because it does not contain data key ".dockerconfigjson"',
  });
  assertEquals(read(DOCKERCONFIGJSON, { ".dockerconfigjson": "{" }, "\u0007"), {
    problem: unparsable("invalid JSON: unexpected end of input", '"\\a"'),
  });
});

Deno.test("secretEntries() reads exactly dockerconfigjson, dockercfg and podmanconfigjson", () => {
  assertEquals([...PULL_SECRET_TYPES].sort(), [DOCKERCFG, DOCKERCONFIGJSON, PODMAN]);
});

/**
 * [name, document, problem]: a document kubelet refuses is skipped whole (no
 * entry of it is used), and the problem names the kind and the place but
 * never a byte of the secret: every document carries `hunter2` (or its base64).
 */
const REFUSED: readonly [string, string, string][] = [
  [
    "a bare word",
    '{"auths":{"quay.io":{"password":hunter2}}}',
    "invalid JSON: unexpected character at line 1, column 33",
  ],
  [
    "a bare word on a later line",
    '{\n  "auths": {\n    "m": {"password": hunter2}\n  }\n}',
    "invalid JSON: unexpected character at line 3, column 23",
  ],
  [
    "a cut-off document",
    '{"auths":{"quay.io":{"password":"hunter2',
    "invalid JSON: unterminated string at line 1, column 33",
  ],
  [
    "a document cut after a value",
    '{"auths":{"quay.io":{"password":"hunter2"}}',
    "invalid JSON: unexpected end of input",
  ],
  [
    "a control character in the password",
    '{"auths":{"quay.io":{"password":"hunter2\u0001"}}}',
    "invalid JSON: control character in string at line 1, column 33",
  ],
  [
    "a byte-order mark",
    '\ufeff{"auths":{"quay.io":{"password":"hunter2"}}}',
    "invalid JSON: unexpected character at line 1, column 1",
  ],
  [
    "a space inside auth (base64 of user:hunter2)",
    '{"auths":{"quay.io":{"auth":"dXNlcjpo dW50ZXIy"}}}',
    "auths[entry 1].auth: illegal base64 data at input byte 8",
  ],
  [
    "padding inside unpadded auth",
    '{"auths":{"quay.io":{"auth":"dXNlcjpo=dW50ZXIy"}}}',
    "auths[entry 1].auth: illegal base64 data at input byte 8",
  ],
  [
    "a character base64 does not have",
    '{"auths":{"quay.io":{"auth":"dXNlcjpodW50ZXIy!"}}}',
    "auths[entry 1].auth: illegal base64 data at input byte 16",
  ],
  [
    "auth without a colon (base64 of hunter2)",
    '{"auths":{"quay.io":{"auth":"aHVudGVyMg=="}}}',
    "auths[entry 1].auth: unable to parse auth field, must be formatted as base64(username:password)",
  ],
  [
    "a bad entry after a good one",
    '{"auths":{"a.io":{"auth":"dXNlcjpodW50ZXIy"},"quay.io":{"auth":"!hunter2"}}}',
    "auths[entry 2].auth: illegal base64 data at input byte 0",
  ],
  [
    "a password that is a list",
    '{"auths":{"quay.io":{"password":["hunter2"]}}}',
    "auths[entry 1].password: cannot unmarshal array into a string",
  ],
  [
    "a username that is a number",
    '{"auths":{"quay.io":{"username":2,"password":"hunter2"}}}',
    "auths[entry 1].username: cannot unmarshal number into a string",
  ],
  [
    "an entry that is a string",
    '{"auths":{"quay.io":"hunter2"}}',
    "auths[entry 1]: cannot unmarshal string into a docker config entry",
  ],
  [
    "auths that is a list",
    '{"auths":["hunter2"]}',
    "auths: cannot unmarshal array into a map of docker config entries",
  ],
  [
    "a header that is not a string",
    '{"auths":{"quay.io":{"password":"hunter2"}},"HttpHeaders":{"X-Token":{"v":"hunter2"}}}',
    "HttpHeaders[entry 1]: cannot unmarshal object into a string",
  ],
  [
    "a document that is a string",
    '"hunter2"',
    "document: cannot unmarshal string into a docker config",
  ],
  [
    // Entries are named by place: a key may hold credentials, even glued to a host.
    "credentials in the registry key are not quoted",
    '{"auths":{"https://bob:hunter2@quay.io":{"auth":"!"}}}',
    "auths[entry 1].auth: illegal base64 data at input byte 0",
  ],
];

Deno.test("secretEntries() skips a document kubelet refuses, naming no secret byte", async (t) => {
  for (const [name, document, detail] of REFUSED) {
    await t.step(`secretEntries() with ${name}`, () => {
      const found = secretEntries({
        name: "s",
        type: DOCKERCONFIGJSON,
        data: { ".dockerconfigjson": document },
      });
      assertEquals(found, { problem: unparsable(detail) });
      const { problem } = found as { problem: string };
      for (const secret of ["hunter2", "aHVudGVy", "dW50ZXIy", "hunter"]) {
        assert.ok(!problem.includes(secret), `${problem} shows ${secret}`);
      }
    });
  }
});

Deno.test("secretEntries() skips a refused legacy document too", () => {
  assertEquals(read(DOCKERCFG, { ".dockercfg": '{"quay.io":{"auth":"hunter2!"}}' }), {
    problem: unparsable("document[entry 1].auth: illegal base64 data at input byte 7"),
  });
  assertEquals(read(DOCKERCFG, { ".dockercfg": "[]" }), {
    problem: unparsable("document: cannot unmarshal array into a map of docker config entries"),
  });
});
