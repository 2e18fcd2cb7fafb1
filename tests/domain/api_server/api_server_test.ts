import { assertEquals, assertThrows } from "../../support/assert.ts";
import {
  ApiServerError,
  apiServerFromEnvFile,
  apiServerUrl,
  joinHostPort,
} from "../../../domain/api_server/api_server.ts";

Deno.test("apiServerUrl() allows https, and http only on loopback", async (t) => {
  const rows: readonly [string, string | RegExp][] = [
    ["https://api.example.com:6443", "https://api.example.com:6443"],
    ["https://[fd00::1]:6443/", "https://[fd00::1]:6443"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["http://[::1]:8080", "http://[::1]:8080"],
    ["http://0x7f.1:8080", "http://127.0.0.1:8080"],
    // A name may resolve anywhere (/etc/hosts, DNS): only loopback IP literals.
    ["http://localhost:8080", /only loopback IP addresses .* may use http/],
    ["http://api.example.com:8080", /only loopback IP addresses .* may use http/],
    ["http://10.0.0.1", /only loopback IP addresses .* may use http/],
    ["http://127.0.0.1.nip.io", /only loopback IP addresses .* may use http/],
    // Credentials in the URL are dropped, and never quoted.
    ["https://bob:hunter2@api.example.com:6443/?x=1", "https://api.example.com:6443"],
    [
      "http://bob:hunter2@api.example.com",
      /^Refusing plain HTTP API server "http:\/\/REDACTED@api/,
    ],
    ["ftp://bob:hunter2@api.example.com", /^Invalid API server URL "ftp:\/\/REDACTED@api/],
    ["https://bob:hunter2@[bad", /^Invalid API server URL "https:\/\/REDACTED@\[bad"$/],
    // Nor a query, which may carry a token.
    [
      "http://10.0.0.1:6443/?access_token=hunter2",
      /^Refusing plain HTTP API server "http:\/\/10\.0\.0\.1:6443\/\?…"/,
    ],
    ["https://[bad?access_token=hunter2", /^Invalid API server URL "https:\/\/\[bad\?…"$/],
    // User info with a "/": the URL parser reads host "admin" and a path holding the password.
    [
      "https://admin:/hunter2@127.0.0.1:6443",
      /^Invalid API server URL "https:\/\/REDACTED@127\.0\.0\.1:6443": an "@" in its path/,
    ],
    ["ftp://api.example.com", /expected https/],
    ["api.example.com:6443", /expected https/],
    ["not a url", /Invalid API server URL/],
  ];
  for (const [input, expected] of rows) {
    await t.step(`apiServerUrl() ${input}`, () => {
      if (typeof expected === "string") assertEquals(apiServerUrl(input), expected);
      else {
        const { message } = assertThrows(() => apiServerUrl(input), ApiServerError);
        if (!expected.test(message) || message.includes("hunter2")) {
          throw new Error(`unexpected message for ${input}: ${message}`);
        }
      }
    });
  }
});

Deno.test("joinHostPort() brackets IPv6 literals (W2)", () => {
  assertEquals(
    [
      joinHostPort("api-int.c.example", "6443"),
      joinHostPort("fd00::1", "6443"),
      joinHostPort("[fd00::1]", "6443"),
    ],
    ["api-int.c.example:6443", "[fd00::1]:6443", "[fd00::1]:6443"],
  );
});

Deno.test("apiServerFromEnvFile() reads OpenShift's apiserver-url.env", async (t) => {
  const rows: readonly [string, string, string | undefined][] = [
    [
      "single quotes",
      "KUBERNETES_SERVICE_HOST='api-int.c.example'\nKUBERNETES_SERVICE_PORT='6443'\n",
      "api-int.c.example:6443",
    ],
    [
      "double quotes and export",
      'export KUBERNETES_SERVICE_HOST="10.0.0.1"\nexport KUBERNETES_SERVICE_PORT="6443"\n',
      "10.0.0.1:6443",
    ],
    [
      "no quotes, comments",
      "# generated\nKUBERNETES_SERVICE_HOST=api\nKUBERNETES_SERVICE_PORT=6443 # api\n",
      "api:6443",
    ],
    ["IPv6", "KUBERNETES_SERVICE_HOST=fd00::1\nKUBERNETES_SERVICE_PORT=6443\n", "[fd00::1]:6443"],
    ["an empty file", "", undefined],
    ["only the host", "KUBERNETES_SERVICE_HOST=api\n", undefined],
    ["an empty port", "KUBERNETES_SERVICE_HOST=api\nKUBERNETES_SERVICE_PORT=''\n", undefined],
  ];
  for (const [name, text, expected] of rows) {
    await t.step(
      `apiServerFromEnvFile() ${name}`,
      () => assertEquals(apiServerFromEnvFile(text), expected),
    );
  }
});
