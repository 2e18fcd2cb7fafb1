/**
 * The fixed rows of the kubelet decoding differential test
 * (`tests/kubelet_decoding_fixed_rows_test.ts`): documents, secret envelopes,
 * and auth values whose Go error message the provider repeats.
 */

import { DOCKERCFG, DOCKERCONFIGJSON } from "./kubelet_decoding_outcomes.ts";

/**
 * [name, rule, document]: the rules of tests/domain/credentials/docker_config_test.ts
 * (kubernetes `pkg/credentialprovider/config.go` v1.34.4, Go's `encoding/json`
 * and `encoding/base64`) and more. Each goes through all three modes.
 */
export const ROWS: readonly [string, string, string][] = [
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
export const ENVELOPES: readonly [string, string, Record<string, string>][] = [
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
export const AUTH_MESSAGES: readonly string[] = [
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
