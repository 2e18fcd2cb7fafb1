/**
 * The pull-secret and config.json decoding against kubelet's own code
 * (kubernetes v1.34.4 `secrets.MakeDockerKeyring` and
 * `credentialprovider.ReadSpecificDockerConfigJSONFile`, through the Go
 * oracle `tests/kube/cmd/kubelet-decode`): the same documents through both,
 * compared as `ignored`, `rejected` or the accepted entries.
 *
 * Replay the random documents with KUBELET_DECODING_SEED=<seed> (printed in
 * the test name); KUBELET_DECODING_CASES sets how many (default 2000).
 * Nothing is skipped: a disagreement fails its row, and random disagreements
 * are shrunk to small documents before they are reported.
 */

import assert from "node:assert/strict";
import { assertEquals } from "./support/assert.ts";
import { parseDockerConfig } from "../domain/credentials/docker_config.ts";
import { goJsonField } from "../domain/text/go_json_fields.ts";
import { secretEntries } from "../domain/credentials/pull_secret.ts";
import { createSecretSource } from "../adapters/kube_api.ts";
import { readTextIfExists } from "../adapters/text_files.ts";
import { goDecodeUtf8 } from "../domain/text/go_text.ts";
import { startApiStandIn } from "./support/api_stand_in.ts";
import { withTempDir } from "./support/temp_tree.ts";
import {
  goJsonString,
  type KubeletAnswer,
  type KubeletDecode,
  type KubeletRequest,
  testWithKubeletDecode,
} from "./support/kubelet_decode_oracle.ts";

const DOCKERCONFIGJSON = "kubernetes.io/dockerconfigjson";
const DOCKERCFG = "kubernetes.io/dockercfg";
const DATA_KEY: Readonly<Record<string, string>> = {
  [DOCKERCONFIGJSON]: ".dockerconfigjson",
  [DOCKERCFG]: ".dockercfg",
};

// --- one comparable shape for both sides ---

/** `[registry key, username, password]`, as Go strings print. */
type Entry = readonly [string, string, string];

/** What came of a document: kubelet's answer and ours in the same terms. */
type Outcome =
  | { readonly ignored: true }
  | { readonly rejected: true }
  | { readonly accepted: readonly Entry[] };

const bytes = (text: string) => new TextEncoder().encode(text);

function sorted(entries: Entry[]): Entry[] {
  return entries.sort((a, b) =>
    a.join("\0") < b.join("\0") ? -1 : a.join("\0") > b.join("\0") ? 1 : 0
  );
}

function kubeletOutcome(answer: KubeletAnswer): Outcome {
  if ("ignored" in answer) return { ignored: true };
  if (!answer.accepted) return { rejected: true };
  // Email is not read by the provider.
  return {
    accepted: sorted(
      Object.entries(answer.entries).map(([key, e]) => [key, e.username, e.password] as const),
    ),
  };
}

/** Our entries with Go's view of their bytes; two keys Go cannot tell apart stay two entries. */
function ourEntries(
  entries: readonly { key: string; username: Uint8Array; password: Uint8Array }[],
): Outcome {
  return {
    accepted: sorted(entries.map((e) => [
      goJsonString(bytes(e.key)),
      goJsonString(e.username),
      goJsonString(e.password),
    ])),
  };
}

/** A secret of `type` with `data`, as the provider decodes it (secretEntries). */
function ourSecret(type: string, data: Record<string, string>): Outcome {
  const found = secretEntries({ name: "s", type, data });
  if (!("problem" in found)) return ourEntries(found);
  return /is not parsable/.test(found.problem) ? { rejected: true } : { ignored: true };
}

/** A node config.json, as the provider decodes its global auth file (pull_auth_file.ts). */
function ourFile(text: string): Outcome {
  try {
    return ourEntries(parseDockerConfig(text, { legacy: false, credHelpers: true }).entries);
  } catch {
    return { rejected: true };
  }
}

function shapeName(outcome: Outcome): string {
  return "accepted" in outcome ? "accepted" : "rejected" in outcome ? "rejected" : "ignored";
}

// --- cases: a document in one of three places ---

type Mode = "dockerconfigjson" | "dockercfg" | "file";
const MODES: readonly Mode[] = ["dockerconfigjson", "dockercfg", "file"];

/** A secret's type and data; the data values are documents. */
interface Envelope {
  readonly type: string;
  readonly data: Readonly<Record<string, string>>;
}

function envelope(mode: Mode, text: string): Envelope | undefined {
  if (mode === "file") return undefined;
  const type = mode === "dockercfg" ? DOCKERCFG : DOCKERCONFIGJSON;
  return { type, data: { [DATA_KEY[type]!]: text } };
}

function request(mode: Mode, text: string, secret = envelope(mode, text)): KubeletRequest {
  if (secret === undefined) return { file: bytes(text) };
  return {
    type: secret.type,
    data: Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, bytes(v)])),
  };
}

function ours(mode: Mode, text: string, secret = envelope(mode, text)): Outcome {
  return secret === undefined ? ourFile(text) : ourSecret(secret.type, { ...secret.data });
}

// --- the fixed rows ---

/**
 * [name, rule, document]: the rules of tests/domain/credentials/docker_config_test.ts
 * (kubernetes `pkg/credentialprovider/config.go` v1.34.4, Go's `encoding/json`
 * and `encoding/base64`) and more. Each goes through all three modes.
 */
const ROWS: readonly [string, string, string][] = [
  // decodeDockerConfigFieldAuth: StdEncoding when the trimmed value ends in '=', else RawStdEncoding.
  ["auth without padding", "config.go", '{"auths":{"m:5000":{"auth":"dXNlcjpwdw"}}}'],
  ["auth with padding", "config.go", '{"auths":{"m":{"auth":"dXNlcjpwdw=="}}}'],
  ["padding after trailing whitespace", "TrimSpace", '{"auths":{"m":{"auth":"dXNlcjpwdw==\\n"}}}'],
  [
    "line breaks inside auth",
    "base64 skips \\r\\n",
    '{"auths":{"m":{"auth":"dXNl\\r\\ncjpwdw=="}}}',
  ],
  ["line breaks inside padding", "base64", '{"auths":{"m":{"auth":"dXNlcjpwdw=\\r\\n="}}}'],
  ["line breaks in unpadded auth", "base64", '{"auths":{"m":{"auth":"dX\\nNlcjpwdw\\r"}}}'],
  ["a space inside auth", "base64", '{"auths":{"m":{"auth":"dXNl cjpwdw=="}}}'],
  ["a leading space", "base64", '{"auths":{"m":{"auth":" dXNlcjpwdw=="}}}'],
  ["a trailing tab", "base64", '{"auths":{"m":{"auth":"dXNlcjpwdw==\\t"}}}'],
  ["padding where none may be", "RawStdEncoding", '{"auths":{"m":{"auth":"dXN=lcjpwdw"}}}'],
  ["too much padding", "StdEncoding", '{"auths":{"m":{"auth":"dXNlcjpwdw==="}}}'],
  ["too little padding", "StdEncoding", '{"auths":{"m":{"auth":"dXNlcjpwdw="}}}'],
  ["data after padding", "StdEncoding", '{"auths":{"m":{"auth":"dQ==dQ=="}}}'],
  ["one character too many", "4n+1", '{"auths":{"m":{"auth":"dXNlc"}}}'],
  ["4n+1 with a line break", "4n+1", '{"auths":{"m":{"auth":"dXNlc\\n"}}}'],
  ["not base64 at all", "base64", '{"auths":{"m":{"auth":"!!"}}}'],
  ["URL-safe alphabet", "StdEncoding only", '{"auths":{"m":{"auth":"-_-_"}}}'],
  ["non-zero trailing bits", "not Strict()", '{"auths":{"m":{"auth":"dXNlcjpwdx"}}}'],
  ["non-zero bits before padding", "not Strict()", '{"auths":{"m":{"auth":"dXNlcjpwdx=="}}}'],
  ["U+0085 after padding", "TrimSpace", '{"auths":{"m":{"auth":"dXNlcjpwdw==\\u0085"}}}'],
  ["U+FEFF after padding", "TrimSpace keeps it", '{"auths":{"m":{"auth":"dXNlcjpwdw==\\ufeff"}}}'],
  ["only line breaks", "decodes to nothing", '{"auths":{"m":{"auth":"\\r\\n"}}}'],
  ["auth without a colon", "SplitN", '{"auths":{"m":{"auth":"dXNlcg=="}}}'],
  ["auth of only a colon", "SplitN", '{"auths":{"m":{"auth":"Og=="}}}'],
  ["a password with colons", "SplitN", '{"auths":{"m":{"auth":"dTpwOnc6eA=="}}}'],
  ["auth bytes that are not UTF-8", "Go strings", '{"auths":{"m":{"auth":"/zr/"}}}'],
  ["a cut UTF-8 sequence in auth", "Go strings", '{"auths":{"m":{"auth":"4oI64oI"}}}'],
  [
    "auth over username and password",
    "UnmarshalJSON",
    '{"auths":{"m":{"username":"x","password":"y","auth":"dXNlcjpwdw=="}}}',
  ],
  ["an empty auth", "len(Auth) == 0", '{"auths":{"m":{"username":"x","password":"y","auth":""}}}'],
  ["a null auth", "null", '{"auths":{"m":{"username":"x","auth":null}}}'],
  ["auth then a null auth", "null keeps", '{"auths":{"m":{"auth":"dTpw","auth":null}}}'],
  [
    "auth then an empty auth",
    "last wins",
    '{"auths":{"m":{"auth":"dTpw","auth":"","username":"z"}}}',
  ],
  ["a bad auth then a good one", "last wins", '{"auths":{"m":{"auth":"!","auth":"dTpw"}}}'],
  ["a number auth", "UnmarshalTypeError", '{"auths":{"m":{"auth":5}}}'],
  // encoding/json field matching.
  ["capitalised field names", "fold", '{"auths":{"m":{"Username":"user","Password":"pw"}}}'],
  ["upper-case AUTHS", "fold", '{"AUTHS":{"m":{"AUTH":"dXNlcjpwdw=="}}}'],
  ["a long s (U+017F) in username", "fold.go", '{"auths":{"m":{"u\u017fername":"x"}}}'],
  ["a long s in auths", "fold.go", '{"auth\u017f":{"m":{"username":"x"}}}'],
  ["a long s in HttpHeaders", "fold.go", '{"HttpHeader\u017f":{"x":5}}'],
  [
    "a Kelvin sign is not an ASCII k",
    "fold.go",
    '{"auths":{"m":{"username":"x","\u212auth":"dXNlcjpwdw=="}}}',
  ],
  [
    "a Kelvin sign in identitytoken",
    "fold.go",
    '{"auths":{"m":{"identityto\u212aen":5,"auth":"dTpw"}}}',
  ],
  [
    "a dotless i (U+0131) in email",
    "fold.go: no simple folding",
    '{"auths":{"m":{"ema\u0131l":5}}}',
  ],
  [
    "a dotted capital I (U+0130) in email",
    "fold.go: no simple folding",
    '{"auths":{"m":{"EMA\u0130L":5}}}',
  ],
  ["a dotless i in a bare map's email", "fold.go: no simple folding", '{"m":{"ema\u0131l":5}}'],
  [
    "a dotless i in identitytoken",
    "kubelet ignores the field",
    '{"auths":{"m":{"\u0131dentitytoken":5}}}',
  ],
  [
    "escaped letters in names",
    "keys are decoded first",
    '{"\\u0061uths":{"m":{"\\u0075sername":"x"}}}',
  ],
  ["a Cyrillic a", "no folding", '{"\u0430uths":{"m":{"username":"x"}}}'],
  ["a trailing space in a name", "no match", '{"auths ":{"m":{"username":"x"}}}'],
  ["lower-case httpheaders", "fold", '{"httpheaders":{"x":5}}'],
  ["top-level auth is unknown", "fields", '{"auth":{"m":{"username":"x"}}}'],
  // Repeated keys, in document order.
  [
    "repeated map fields merge",
    "a non-nil map is reused",
    '{"AUTHS":{"a.io":{"auth":"dXNlcjpwdw=="}},"auths":{"b.io":{"auth":"dXNlcjpwdw=="}}}',
  ],
  [
    "a repeated field: the last wins",
    "order",
    '{"auths":{"m":{"username":"a","Username":"b","username":"c"}}}',
  ],
  [
    "a repeated map key: the last wins",
    "fresh map element",
    '{"auths":{"m":{"username":"a"},"m":{"password":"b"}}}',
  ],
  [
    "an escaped duplicate registry key",
    "decoded keys",
    '{"auths":{"quay.io":{"username":"a"},"\\u0071uay.io":{"username":"b"}}}',
  ],
  [
    "lone surrogate registry keys",
    "Go decodes each to U+FFFD",
    '{"auths":{"\\ud800":{"username":"a"},"\\udc00":{"username":"b"},"\\ud800":{"username":"c"}}}',
  ],
  ["a surrogate pair key", "UTF-16", '{"auths":{"\\ud83d\\ude00":{"username":"a"}}}'],
  ["a lone surrogate username", "U+FFFD", '{"auths":{"m":{"username":"\\udc00x"}}}'],
  // null.
  [
    "a null map after entries",
    "null empties a map",
    '{"auths":{"m":{"auth":"dXNlcjpwdw=="}},"Auths":null}',
  ],
  ["entries after a null map", "null then merge", '{"auths":null,"Auths":{"m":{"username":"x"}}}'],
  ["null auths", "null", '{"auths":null}'],
  ["a null document", "null", "null"],
  ["a null entry", 'UnmarshalJSON("null")', '{"auths":{"m":null}}'],
  ["a null field keeps its value", "null", '{"auths":{"m":{"username":"a","Username":null}}}'],
  ["null headers", "null", '{"HttpHeaders":null,"auths":{}}'],
  ["a null header value", "map element", '{"HttpHeaders":{"x":null},"auths":{}}'],
  // Wrong types.
  ["a number where a string goes", "UnmarshalTypeError", '{"auths":{"m":{"username":5}}}'],
  ["an email that is a list", "UnmarshalTypeError", '{"auths":{"m":{"email":[]}}}'],
  ["headers that are not strings", "map[string]string", '{"HttpHeaders":{"x":5},"auths":{}}'],
  ["headers that are a list", "map[string]string", '{"HttpHeaders":[],"auths":{}}'],
  ["an entry that is a string", "UnmarshalJSON", '{"auths":{"m":"x"}}'],
  ["an entry that is a list", "UnmarshalJSON", '{"auths":{"m":[]}}'],
  ["auths that is a string", "UnmarshalTypeError", '{"auths":"x"}'],
  ["a document that is a list", "UnmarshalTypeError", "[]"],
  ["a document that is a string", "UnmarshalTypeError", '"x"'],
  ["a document that is a number", "UnmarshalTypeError", "5"],
  ["a document that is true", "UnmarshalTypeError", "true"],
  ["a type error then a null", "errors are kept", '{"auths":{"m":{"username":5,"username":null}}}'],
  [
    "a wrong type after good entries",
    "one error rejects all",
    '{"auths":{"a":{"auth":"dTpw"},"b":{"password":true}}}',
  ],
  // credHelpers: kubelet does not read it; the provider reads it from the global file only.
  [
    "credHelpers that is a number",
    "not a kubelet field",
    '{"auths":{"m":{"auth":"dTpw"}},"credHelpers":5}',
  ],
  ["a credHelper that is not a string", "not a kubelet field", '{"credHelpers":{"m":true}}'],
  ["credHelpers of strings", "not a kubelet field", '{"credHelpers":{"m":"helper"},"auths":{}}'],
  // Unknown things.
  ["unknown fields", "ignored", '{"auths":{"m":{"auth":"dXNlcjpwdw==","x":[1]}},"other":{}}'],
  [
    "an identity token",
    "not a kubelet field",
    '{"auths":{"m":{"auth":"dTo=","IdentityToken":"t"}}}',
  ],
  [
    "an identity token of the wrong type",
    "not a kubelet field",
    '{"auths":{"m":{"auth":"dTpw","identitytoken":5}}}',
  ],
  ["a huge number in an unknown field", "skipped", '{"x":1e999,"auths":{}}'],
  [
    "deep nesting in an unknown field",
    "10000 levels",
    `{"x":${"[".repeat(9999)}${"]".repeat(9999)}}`,
  ],
  [
    "nesting deeper than Go allows",
    "scanner.go maxNestingDepth",
    `{"x":${"[".repeat(10000)}${"]".repeat(10000)}}`,
  ],
  // Syntax.
  ["invalid JSON", "syntax", '{"auths":{"m":{"password":hunter2}}}'],
  ["a byte-order mark", "syntax", '\ufeff{"auths":{}}'],
  ["a truncated document", "syntax", '{"auths":{"m":{"password":"hunter'],
  ["a trailing comma", "syntax", '{"auths":{},}'],
  ["two documents", "syntax", "{} {}"],
  ["whitespace only", "syntax", " \n"],
  ["an empty document", "empty", ""],
  ["an empty object", "no entries", "{}"],
  ["the legacy bare map", ".dockercfg", '{"quay.io":{"auth":"dXNlcjpwdw=="}}'],
  ["surrounding whitespace", "JSON whitespace", ' \r\n\t{"auths":{"m":{"auth":"dTpw"}}} \n'],
];

/** [name, type, data]: which secrets kubelet reads at all (podmanconfigjson: kubelet never does). */
const ENVELOPES: readonly [string, string, Record<string, string>][] = [
  ["Opaque", "Opaque", { ".dockerconfigjson": '{"auths":{"m":{"auth":"dTpw"}}}' }],
  ["a type in other letter case", "kubernetes.io/DockerConfigJson", { ".dockerconfigjson": "{}" }],
  ["a type with a trailing space", "kubernetes.io/dockerconfigjson ", {
    ".dockerconfigjson": "{}",
  }],
  ["no type", "", { ".dockerconfigjson": "{}" }],
  ["dockerconfigjson without data", DOCKERCONFIGJSON, {}],
  ["dockerconfigjson with only .dockercfg", DOCKERCONFIGJSON, { ".dockercfg": '{"m":{}}' }],
  ["dockercfg with only .dockerconfigjson", DOCKERCFG, { ".dockerconfigjson": '{"auths":{}}' }],
  ["dockerconfigjson with an empty value", DOCKERCONFIGJSON, { ".dockerconfigjson": "" }],
  ["dockercfg with an empty value", DOCKERCFG, { ".dockercfg": "" }],
  [
    "an empty value beside the other key",
    DOCKERCONFIGJSON,
    { ".dockerconfigjson": "", ".dockercfg": '{"m":{"auth":"dTpw"}}' },
  ],
  [
    "both keys",
    DOCKERCFG,
    { ".dockerconfigjson": "[]", ".dockercfg": '{"m":{"auth":"dTpw"}}' },
  ],
  ["a key in other letter case", DOCKERCONFIGJSON, { ".DockerConfigJson": "{}" }],
  ["basic-auth", "kubernetes.io/basic-auth", { username: "u", password: "p" }],
];

/** auth values whose Go error message the provider repeats (`illegal base64 data at input byte N`). */
const AUTH_MESSAGES: readonly string[] = [
  "dXNlc",
  "dXNlcjpodW50ZXIyx",
  "dXNlcg=",
  "dXNl cjpwdw==",
  "dXN=lcjpwdw",
  "!!",
  "dQ===",
  "dQ==dQ==",
  "dXNl\r\ncjpwdw=\n",
  "dX\nNlc",
  "=",
  "dQ=",
  "d===",
  "dXNlcjpwdw==x",
  "dXNlcjpwdw== ",
  " dXNlcjpwdw==",
  "\n\n\n=",
  "dXNlcjpwd",
  "dXNlcjpwd\r\n",
  "dXNlé",
  "dXNlcg==",
];

async function fixedRows(t: Deno.TestContext, decode: KubeletDecode): Promise<void> {
  const cases = [
    ...ROWS.flatMap(([name, rule, text]) =>
      MODES.map((mode) => ({
        name: `${name} (${rule}) as ${mode}`,
        text,
        request: request(mode, text),
        ours: () => ours(mode, text),
      }))
    ),
    ...ENVELOPES.map(([name, type, data]) => ({
      name: `a secret: ${name}`,
      text: JSON.stringify({ type, data }),
      request: request("dockerconfigjson", "", { type, data }),
      ours: () => ourSecret(type, data),
    })),
  ];
  const answers = await decode(cases.map((c) => c.request));
  for (const [index, row] of cases.entries()) {
    await t.step(`kubelet and the provider agree on ${row.name}`, () => {
      assertEquals(
        row.ours(),
        kubeletOutcome(answers[index]!),
        `document ${JSON.stringify(row.text).slice(0, 300)}`,
      );
    });
  }
}

async function authMessages(t: Deno.TestContext, decode: KubeletDecode): Promise<void> {
  const documents = AUTH_MESSAGES.map((auth) => JSON.stringify({ auths: { m: { auth } } }));
  const answers = await decode(documents.map((text) => request("dockerconfigjson", text)));
  for (const [index, auth] of AUTH_MESSAGES.entries()) {
    await t.step(
      `kubelet and the provider word an error in auth ${JSON.stringify(auth)} alike`,
      () => {
        const answer = answers[index]!;
        const found = secretEntries({
          name: "s",
          type: DOCKERCONFIGJSON,
          data: { ".dockerconfigjson": documents[index]! },
        });
        const ourMessage = "problem" in found
          ? found.problem.replace(/^.*: auths\."m"\.auth: /, "")
          : "accepted";
        assertEquals(ourMessage, "error" in answer ? answer.error : "accepted");
      },
    );
  }
}

/**
 * Every BMP rune in place of each letter of kubelet's entry fields: Go folds
 * it onto the letter (and rejects the document, whose values are numbers)
 * exactly when the provider matches the key to the field. 32 runes go in one
 * document; ours is asked with goJsonField(), which decodeEntry() uses, and a
 * disagreeing group is then checked rune by rune through secretEntries().
 */
async function foldScan(t: Deno.TestContext, decode: KubeletDecode): Promise<void> {
  const fields = ["username", "password", "email", "auth"];
  // One key per letter of the field names: "\0" is where the rune goes.
  const templates = new Map<string, string>();
  for (const field of fields) {
    for (const [at, letter] of [...field].entries()) {
      if (!templates.has(letter)) {
        templates.set(letter, `${field.slice(0, at)}\0${field.slice(at + 1)}`);
      }
    }
  }
  const keysOf = (rune: string) => [...templates.values()].map((tpl) => tpl.replace("\0", rune));
  const documentOf = (group: readonly string[]) =>
    `{"auths":{"m":{${group.flatMap(keysOf).map((key) => `${JSON.stringify(key)}:5`).join(",")}}}}`;
  const runes: string[] = [];
  for (let code = 0x80; code <= 0xffff; code++) {
    if (code < 0xd800 || code > 0xdfff) runes.push(String.fromCharCode(code));
  }
  const groups: string[][] = [];
  for (let at = 0; at < runes.length; at += 32) groups.push(runes.slice(at, at + 32));
  const answers = await decode(groups.map((g) => request("dockerconfigjson", documentOf(g))));
  const suspects = groups.filter((group, index) => {
    const ourMatch = group.some((r) => keysOf(r).some((k) => goJsonField(k, fields) !== undefined));
    return ourMatch !== ("rejected" in kubeletOutcome(answers[index]!));
  }).flat();
  const single = await decode(suspects.map((r) => request("dockerconfigjson", documentOf([r]))));
  const disagreeing = suspects.filter((rune, index) =>
    JSON.stringify(ours("dockerconfigjson", documentOf([rune]))) !==
      JSON.stringify(kubeletOutcome(single[index]!))
  ).map((r) => `U+${r.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} ${r}`);
  await t.step(
    `kubelet and the provider fold the same ${runes.length} BMP runes onto ASCII letters`,
    () => assertEquals(disagreeing, []),
  );
}

await testWithKubeletDecode(
  "kubelet and the provider decode the fixed rows alike",
  async (t, decode) => {
    await fixedRows(t, decode);
    await authMessages(t, decode);
  },
);

await testWithKubeletDecode(
  "kubelet and the provider match the same keys to fields, for every BMP rune",
  foldScan,
);

// --- secret bytes through the adapters (adapters/kube_api.ts, adapters/text_files.ts) ---

const MODERN = '{"auths":{"m":{"username":"u","password":"p"}}}';

/** [name, bytes]: documents a JS string cannot carry as such (kubelet reads bytes). */
const BYTE_ROWS: readonly [string, Uint8Array][] = [
  [
    "a UTF-8 byte-order mark before the document",
    Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes(MODERN)),
  ],
  ["only a byte-order mark", Uint8Array.of(0xef, 0xbb, 0xbf)],
  [
    "a cut UTF-8 sequence in a username",
    Uint8Array.of(...bytes('{"auths":{"m":{"username":"a'), 0xe2, 0x82, ...bytes('b"}}}')),
  ],
  [
    "a byte that is never UTF-8 in a username",
    Uint8Array.of(...bytes('{"auths":{"m":{"username":"a'), 0xff, ...bytes('b"}}}')),
  ],
  [
    "an encoded surrogate in a registry key",
    Uint8Array.of(...bytes('{"auths":{"'), 0xed, 0xa0, 0x80, ...bytes('":{"username":"u"}}}')),
  ],
  [
    "a byte-order mark inside a password",
    Uint8Array.of(...bytes('{"auths":{"m":{"password":"'), 0xef, 0xbb, 0xbf, ...bytes('"}}}')),
  ],
];

async function secretThroughAdapter(secretBytes: Uint8Array): Promise<Outcome> {
  const body = JSON.stringify({
    kind: "SecretList",
    apiVersion: "v1",
    metadata: {},
    items: [{
      metadata: { name: "s", namespace: "default" },
      type: DOCKERCONFIGJSON,
      data: { ".dockerconfigjson": secretBytes.toBase64() },
    }],
  });
  const standIn = startApiStandIn({ token: "token", body, plainHttp: true });
  try {
    const source = createSecretSource({
      connect: () => Promise.resolve({ server: standIn.url, trust: "plain-http" }),
      signal: AbortSignal.timeout(10_000),
      userAgent: "kubelet-decoding-differential",
    });
    const listing = await source.listPullSecrets("default", "token");
    assert.ok(listing.kind === "listed", JSON.stringify(listing));
    const secret = listing.secrets[0]!;
    return ourSecret(secret.type, { ...secret.data });
  } finally {
    await standIn.close();
  }
}

async function fileThroughAdapter(fileBytes: Uint8Array): Promise<Outcome> {
  return await withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/config.json`, fileBytes);
    // As src/provider_command.ts reads the global file.
    const text = await readTextIfExists(`${dir}/config.json`, "global auth file", {
      decode: goDecodeUtf8,
    });
    return ourFile(text!);
  });
}

await testWithKubeletDecode(
  "kubelet and the provider read secret and file bytes alike",
  async (t, decode) => {
    const answers = await decode(
      BYTE_ROWS.flatMap(([, data]) => [
        { type: DOCKERCONFIGJSON, data: { ".dockerconfigjson": data } },
        { file: data },
      ]),
    );
    for (const [index, [name, data]] of BYTE_ROWS.entries()) {
      await t.step(
        `kubelet and adapters/kube_api.ts + secretEntries() agree on ${name}`,
        async () => {
          assertEquals(await secretThroughAdapter(data), kubeletOutcome(answers[2 * index]!));
        },
      );
      await t.step(
        `kubelet and adapters/text_files.ts + parseDockerConfig() agree on ${name}`,
        async () => {
          assertEquals(await fileThroughAdapter(data), kubeletOutcome(answers[2 * index + 1]!));
        },
      );
    }
  },
);

// --- random documents ---

const SEED = Number(Deno.env.get("KUBELET_DECODING_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(Deno.env.get("KUBELET_DECODING_CASES") ?? 2000);

/** mulberry32. */
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

class Draw {
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

/** A document as a tree, so a disagreement can be shrunk member by member. */
type Doc =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "object"; readonly members: readonly Member[] }
  | { readonly kind: "array"; readonly items: readonly Doc[] }
  | { readonly kind: "cut"; readonly doc: Doc; readonly at: number };

interface Member {
  readonly space: string;
  /** The key as JSON text, quotes included. */
  readonly key: string;
  readonly value: Doc;
}

function serialize(doc: Doc): string {
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

const text = (value: string): Doc => ({ kind: "text", text: value });

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

function randomDocument(draw: Draw): Doc {
  const roll = draw.next();
  if (roll < 0.65) return topLevel(draw);
  if (roll < 0.88) return registries(draw); // the legacy bare map
  if (roll < 0.93) {
    return text(draw.pick(["null", "[]", "[{}]", '"x"', "5", "true", "{}", " null "]));
  }
  const whole = draw.chance(0.5) ? topLevel(draw) : registries(draw);
  return { kind: "cut", doc: whole, at: draw.int(serialize(whole).length) };
}

/** A secret type and data keys kubelet may or may not read (never podman's). */
function randomEnvelope(draw: Draw, document: string): Envelope {
  const type = draw.pick([
    DOCKERCONFIGJSON,
    DOCKERCFG,
    "Opaque",
    "kubernetes.io/basic-auth",
    "",
    "kubernetes.io/DockerConfigJson",
  ]);
  const data: Record<string, string> = {};
  for (const key of [".dockerconfigjson", ".dockercfg", "config.json"]) {
    if (draw.chance(0.5)) data[key] = draw.chance(0.2) ? "" : document;
  }
  return { type, data };
}

interface RandomCase {
  readonly index: number;
  readonly mode: Mode;
  readonly doc: Doc;
  readonly secret?: Envelope;
}

function randomCases(seed: number, count: number): RandomCase[] {
  const cases: RandomCase[] = [];
  for (let index = 0; index < count; index++) {
    const draw = new Draw(random(seed ^ Math.imul(index + 1, 0x9e3779b9)));
    const doc = randomDocument(draw);
    for (const mode of MODES) {
      const secret = mode !== "file" && draw.chance(0.1)
        ? randomEnvelope(draw, serialize(doc))
        : undefined;
      cases.push({ index, mode, doc, ...(secret ? { secret } : {}) });
    }
  }
  return cases;
}

function caseRequest(c: RandomCase): KubeletRequest {
  return request(c.mode, serialize(c.doc), c.secret ?? envelope(c.mode, serialize(c.doc)));
}

function caseOurs(c: RandomCase): Outcome {
  return ours(c.mode, serialize(c.doc), c.secret ?? envelope(c.mode, serialize(c.doc)));
}

/** Why the provider rejected a case, with keys and numbers left out: it tells causes apart. */
function ourReason(c: RandomCase): string {
  const text = serialize(c.doc);
  const secret = c.secret ?? envelope(c.mode, text);
  let message: string;
  if (secret === undefined) {
    try {
      parseDockerConfig(text, { legacy: false, credHelpers: true });
      return "";
    } catch (error) {
      message = (error as Error).message;
    }
  } else {
    const found = secretEntries({ name: "s", type: secret.type, data: { ...secret.data } });
    if (!("problem" in found)) return "";
    message = found.problem.replace(/^.*? is not parsable: /, "");
  }
  const general = message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\d+/g, "N")
    .replace(/cannot unmarshal \w+ into/, "cannot unmarshal … into");
  return ` (${general})`;
}

/** The kind of a disagreement (`undefined`: none), which shrinking must keep. */
function disagreement(c: RandomCase, kubelet: Outcome): string | undefined {
  const provider = caseOurs(c);
  if (JSON.stringify(kubelet) === JSON.stringify(provider)) return undefined;
  const [k, p] = [shapeName(kubelet), shapeName(provider)];
  return `${c.mode}: ` +
    (k === p
      ? `both ${k}, entries differ`
      : `kubelet ${k}, provider ${p}${p === "rejected" ? ourReason(c) : ""}`);
}

/** Smaller documents: a member or item left out, a value made simpler, a cut undone. */
function* smaller(doc: Doc): Generator<Doc> {
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

interface Found {
  readonly start: RandomCase;
  current: RandomCase;
  readonly kind: string;
  done: boolean;
}

/** Shrinks each disagreement while it keeps its kind; all candidates of a round go to one Go run. */
async function shrink(decode: KubeletDecode, found: Found[]): Promise<void> {
  for (let round = 0; round < 200 && found.some((f) => !f.done); round++) {
    const open = found.filter((f) => !f.done);
    const candidates = open.map((f) =>
      [...smaller(f.current.doc)].slice(0, 200).map((doc) => ({
        ...f.current,
        doc,
        // A random envelope holds the document in its data: rebuild it around the smaller one.
        ...(f.current.secret
          ? {
            secret: {
              type: f.current.secret.type,
              data: Object.fromEntries(
                Object.entries(f.current.secret.data).map((
                  [k, v],
                ) => [k, v === "" ? "" : serialize(doc)]),
              ),
            },
          }
          : {}),
      }))
    );
    const answers = await decode(candidates.flat().map(caseRequest));
    let at = 0;
    for (const [i, f] of open.entries()) {
      const list = candidates[i]!;
      const better = list.findIndex((c, j) =>
        disagreement(c, kubeletOutcome(answers[at + j]!)) === f.kind
      );
      at += list.length;
      if (better === -1) f.done = true;
      else f.current = list[better]!;
    }
  }
}

await testWithKubeletDecode(
  `kubelet and the provider decode ${CASES} random documents alike (KUBELET_DECODING_SEED=${SEED})`,
  async (t, decode) => {
    const cases = randomCases(SEED, CASES);
    const answers = await decode(cases.map(caseRequest));
    const found: Found[] = [];
    const counts = new Map<string, number>();
    for (const [i, c] of cases.entries()) {
      const kind = disagreement(c, kubeletOutcome(answers[i]!));
      if (kind === undefined) continue;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      // Shrink up to 24, at most 3 of a kind, so one frequent kind does not hide the others.
      if (found.length < 24 && found.filter((f) => f.kind === kind).length < 3) {
        found.push({ start: c, current: c, kind, done: false });
      }
    }
    await t.step(`the random documents cover every outcome (seed ${SEED})`, () => {
      const shapes = new Set(
        cases.map((c, i) => `${c.mode} ${shapeName(kubeletOutcome(answers[i]!))}`),
      );
      for (const mode of MODES) {
        for (const shape of ["accepted", "rejected", ...(mode === "file" ? [] : ["ignored"])]) {
          assert.ok(shapes.has(`${mode} ${shape}`), `no ${mode} document was ${shape}`);
        }
      }
    });
    await shrink(decode, found);
    const minimal = new Map<string, string>();
    const final = await decode(found.map((f) => caseRequest(f.current)));
    for (const [i, f] of found.entries()) {
      const document = serialize(f.current.doc);
      const secret = f.current.secret ? ` in ${JSON.stringify(f.current.secret)}` : "";
      const kubelet = final[i];
      minimal.set(
        `${f.current.mode}${secret}: ${JSON.stringify(document)}`,
        `${f.kind}: kubelet ${JSON.stringify(kubeletOutcome(kubelet!))}, provider ${
          JSON.stringify(caseOurs(f.current))
        } (first seen in case ${f.start.index})`,
      );
    }
    await t.step(
      `kubelet and the provider agree on ${cases.length} random cases (seed ${SEED})`,
      () => {
        const report = [...counts].map(([kind, n]) => `${n} × ${kind}`).concat(
          [...minimal].map(([where, what]) => `  ${where}\n    ${what}`),
        );
        assert.ok(
          counts.size === 0,
          `disagreements (replay with KUBELET_DECODING_SEED=${SEED} KUBELET_DECODING_CASES=${CASES}):\n${
            report.join("\n")
          }`,
        );
      },
    );
  },
);
