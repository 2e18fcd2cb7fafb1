import { assertEquals, assertThrows } from "../support/assert.ts";
import { entryCredential, parseDockerConfig, secretEntries } from "../../domain/docker_config.ts";

Deno.test("parseDockerConfig() reads both formats", async (t) => {
  await t.step("parseDockerConfig() reads auths (W05)", () => {
    assertEquals(
      parseDockerConfig(
        '{"auths":{"http://localhost:5000":{"username":"myuser","password":"mypassword","auth":"bXl1c2VyOm15cGFzc3dvcmQ=","email":"x"}}}',
        { legacy: false },
      ),
      [{
        key: "http://localhost:5000",
        auth: "bXl1c2VyOm15cGFzc3dvcmQ=",
        username: "myuser",
        password: "mypassword",
      }],
    );
  });
  await t.step("parseDockerConfig() reads a file without auths as empty (A24)", () => {
    assertEquals(parseDockerConfig('{"credHelpers":{"quay.io":"x"}}', { legacy: false }), []);
  });
  await t.step("parseDockerConfig() reads the legacy bare map", () => {
    assertEquals(parseDockerConfig('{"quay.io":{"auth":"dTpw"}}', { legacy: true }), [{
      key: "quay.io",
      auth: "dTpw",
    }]);
  });
  await t.step("parseDockerConfig() rejects invalid JSON and wrong shapes", () => {
    assertThrows(() => parseDockerConfig("{", { legacy: false }), SyntaxError);
    assertThrows(
      () => parseDockerConfig('{"auths":{"q":{"auth":1}}}', { legacy: false }),
      SyntaxError,
      "auths.q.auth",
    );
  });
});

Deno.test("entryCredential() keeps usable credentials only", async (t) => {
  const rows: readonly [string, Record<string, string>, unknown][] = [
    ["auth", { auth: "dTpw" }, { auth: "dTpw" }],
    ["auth over username/password, as kubelet", { auth: "dTpw", username: "x", password: "y" }, {
      auth: "dTpw",
    }],
    ["username and password (W6)", { username: "myuser", password: "mypassword" }, {
      auth: "bXl1c2VyOm15cGFzc3dvcmQ=",
    }],
    ["non-ASCII passwords as UTF-8", { username: "u", password: "pä" }, { auth: "dTpww6Q=" }],
    ["an identity token", {
      auth: "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==",
      identitytoken: "tok",
    }, {
      auth: "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==",
      identitytoken: "tok",
    }],
    ["nothing", {}, { problem: "it has no credentials" }],
    ["an empty auth", { auth: "" }, { problem: "it has no credentials" }],
    ["invalid base64 (A15)", { auth: "!!notbase64!!" }, {
      problem: "its auth value is not valid base64",
    }],
    ["unpadded base64", { auth: "dTpwMQ" }, { problem: "its auth value is not valid base64" }],
    ["no colon (A14)", { auth: "bm9jb2xvbg==" }, {
      problem: "its auth value has no user:password",
    }],
    ["only an identity token", { identitytoken: "tok" }, { problem: "it has no credentials" }],
  ];
  for (const [name, entry, expected] of rows) {
    await t.step(
      `entryCredential() for ${name}`,
      () => assertEquals(entryCredential({ key: "k", ...entry }), expected),
    );
  }
});

Deno.test("secretEntries() reads the three pull-secret types (W5)", async (t) => {
  const config = '{"auths":{"quay.io":{"auth":"dTpw"}}}';
  const rows: readonly [string, string, Record<string, string>, unknown][] = [
    ["dockerconfigjson", "kubernetes.io/dockerconfigjson", { ".dockerconfigjson": config }, [{
      key: "quay.io",
      auth: "dTpw",
    }]],
    ["dockercfg (no auths wrapper)", "kubernetes.io/dockercfg", {
      ".dockercfg": '{"quay.io":{"auth":"dTpw"}}',
    }, [{ key: "quay.io", auth: "dTpw" }]],
    [
      "podmanconfigjson under auth.json",
      "kubernetes.io/podmanconfigjson",
      { "auth.json": config },
      [{ key: "quay.io", auth: "dTpw" }],
    ],
    ["podmanconfigjson under its only key", "kubernetes.io/podmanconfigjson", {
      "config.json": config,
    }, [{ key: "quay.io", auth: "dTpw" }]],
    ["another type", "Opaque", { ".dockerconfigjson": config }, {
      problem: "secret is not a docker config JSON secret",
    }],
    ["a missing data key", "kubernetes.io/dockerconfigjson", { other: config }, {
      problem: 'skipping secret "s" because it does not contain data key ".dockerconfigjson"',
    }],
    ["invalid JSON", "kubernetes.io/dockerconfigjson", { ".dockerconfigjson": "{" }, {
      problem: `skipping secret "s" because the docker config JSON is not parsable: ${
        jsonError("{")
      }`,
    }],
  ];
  for (const [name, type, data, expected] of rows) {
    await t.step(
      `secretEntries() for ${name}`,
      () => assertEquals(secretEntries({ name: "s", type, data }), expected),
    );
  }
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  return "";
}
