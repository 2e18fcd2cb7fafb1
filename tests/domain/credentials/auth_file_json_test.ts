import { assertEquals } from "../../support/assert.ts";
import { encodeAuthFile } from "../../../domain/credentials/auth_file_json.ts";

Deno.test("encodeAuthFile() writes Go's bytes (W03)", () => {
  assertEquals(
    encodeAuthFile(new Map([["localhost:5000", { auth: "bXl1c2VyOm15cGFzc3dvcmQ=" }]])),
    '{\n\t"auths": {\n\t\t"localhost:5000": {\n\t\t\t"auth": "bXl1c2VyOm15cGFzc3dvcmQ="\n\t\t}\n\t}\n}\n',
  );
});

Deno.test("encodeAuthFile() sorts keys in byte order (W04)", () => {
  const su = { auth: "c3U6c3A=" };
  assertEquals(
    encodeAuthFile(
      new Map([["registry.local", su], ["global.io", { auth: "Z3U6Z3A=" }], ["quay.io", su], [
        "cache.local:5000",
        su,
      ]]),
    ),
    [
      "{",
      '\t"auths": {',
      '\t\t"cache.local:5000": {\n\t\t\t"auth": "c3U6c3A="\n\t\t},',
      '\t\t"global.io": {\n\t\t\t"auth": "Z3U6Z3A="\n\t\t},',
      '\t\t"quay.io": {\n\t\t\t"auth": "c3U6c3A="\n\t\t},',
      '\t\t"registry.local": {\n\t\t\t"auth": "c3U6c3A="\n\t\t}',
      "\t}",
      "}",
      "",
    ].join("\n"),
  );
});

Deno.test("encodeAuthFile() keeps identity tokens and escapes like Go", () => {
  assertEquals(
    encodeAuthFile(new Map([["a&b", { auth: "dTpw", identitytoken: "<tok>\u2028" }]])),
    '{\n\t"auths": {\n\t\t"a\\u0026b": {\n\t\t\t"auth": "dTpw",\n\t\t\t"identitytoken": "\\u003ctok\\u003e\\u2028"\n\t\t}\n\t}\n}\n',
  );
});

Deno.test("encodeAuthFile() writes an empty map as Go does", () => {
  assertEquals(encodeAuthFile(new Map()), '{\n\t"auths": {}\n}\n');
});

Deno.test("encodeAuthFile() carries the global file's credential helpers after auths", () => {
  assertEquals(
    encodeAuthFile(new Map([["mirror-a.example:5000", { auth: "dTpw" }]]), {
      credHelpers: new Map([["z.io", "z"], ["mirror-b.example:5000", "examplehelper"]]),
    }),
    [
      "{",
      '\t"auths": {',
      '\t\t"mirror-a.example:5000": {\n\t\t\t"auth": "dTpw"\n\t\t}',
      "\t},",
      '\t"credHelpers": {',
      '\t\t"mirror-b.example:5000": "examplehelper",',
      '\t\t"z.io": "z"',
      "\t}",
      "}",
      "",
    ].join("\n"),
  );
});
