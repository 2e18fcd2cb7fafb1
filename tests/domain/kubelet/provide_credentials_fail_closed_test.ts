/**
 * provideCredentials() fails closed: on an invalid or unreadable
 * registries.conf, an API error, an invalid global file, the run's deadline
 * (during a read that blocks and during a long merge) or a failed write it
 * answers nothing and removes a stale auth file; on a request it cannot read
 * (malformed stdin, a namespace that is no DNS label) it answers nothing.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../../support/assert.ts";
import { provideCredentials } from "../../../domain/kubelet/provide_credentials.ts";
import { kubeletRequest, serviceAccountToken } from "../../support/api_stand_in.ts";
import {
  AUTH_DIR,
  CONF_PATH,
  fakes,
  MY_SECRET,
  NGINX_FILE,
} from "../../support/provide_credentials_fakes.ts";

Deno.test("provideCredentials() fails closed, removing a stale file", async (t) => {
  const rows: readonly {
    name: string;
    options: Parameters<typeof fakes>[0];
    message: string;
    removes: boolean;
    /** The deadline as the core's clock reads it. */
    deadlineAt?: number;
  }[] = [
    {
      name: "S6: an invalid registries.conf",
      options: {
        conf: {
          main: { path: CONF_PATH, text: '[[registry]]\nlocation = "https://quay.io"\n' },
          dropIns: [],
        },
      },
      message:
        `unable to match mirrors: loading registries configuration: loading registries configuration "${CONF_PATH}": invalid location 'https://quay.io': URI schemes are not supported`,
      removes: true,
    },
    {
      name: "S8: the API refuses otherwise",
      options: {
        listing: new Error(
          'Cannot list secrets from "https://api/…": HTTP 500 Internal Server Error',
        ),
      },
      message:
        'unable to get secrets: Cannot list secrets from "https://api/…": HTTP 500 Internal Server Error',
      removes: true,
    },
    {
      name: "an invalid global auth file",
      options: { global: "{" },
      message:
        'unable to create auth file: unable to read global auth file: unmarshaling JSON at "/var/lib/kubelet/config.json": ',
      removes: true,
    },
    {
      name: "a registries.conf that cannot be read (fails before the namespace is known)",
      options: {
        conf: new Error('Cannot read registries configuration "/etc/containers/registries.conf"'),
      },
      message:
        'unable to match mirrors: loading registries configuration: Cannot read registries configuration "/etc/containers/registries.conf"',
      removes: true,
    },
    {
      name: "a 401: the API server did not accept the token",
      options: { listing: { kind: "refused", status: 401, message: "Unauthorized" } },
      message:
        "unable to get secrets: the API server did not accept the service account token (HTTP 401: Unauthorized); the token has no audience: check that tokenAttributes.serviceAccountTokenAudience",
      removes: true,
    },
    {
      name: "the deadline during a read that blocks",
      options: { global: "blocks", deadline: AbortSignal.timeout(50) },
      message:
        "unable to create auth file: unable to read global auth file: the run's deadline passed",
      removes: true,
    },
    {
      // The deadline's timer cannot fire while the merge runs: the merge checks the clock.
      name: "the deadline during a long merge",
      options: {
        listing: {
          kind: "listed",
          secrets: Array.from({ length: 1000 }, (_, i) => ({ ...MY_SECRET, name: `s${i}` })),
        },
      },
      deadlineAt: 999_999_999,
      message: "unable to create auth file: the run's deadline passed",
      removes: true,
    },
    {
      name: "a failed write",
      options: { writeFails: true },
      message:
        "unable to create auth file: unable to write namespace auth file: rename temp auth file: disk full",
      removes: true,
    },
    {
      name: "malformed stdin",
      options: { stdin: "not json" },
      message: "unable to parse credential provider request from stdin: invalid JSON: ",
      removes: false,
    },
    {
      name: "a namespace that is no DNS label",
      options: {
        stdin: kubeletRequest("docker.io/library/nginx", serviceAccountToken("../../etc")),
      },
      message: 'unable to extract namespace: invalid namespace "../../etc"',
      removes: false,
    },
  ];
  for (const row of rows) {
    await t.step(`provideCredentials() fails on ${row.name}`, async () => {
      const f = fakes({ ...row.options, files: { [NGINX_FILE]: "old" } });
      const options = {
        authDir: AUTH_DIR,
        ...(row.deadlineAt ? { deadlineAt: row.deadlineAt } : {}),
      };
      await assert.rejects(provideCredentials(f.deps, options), (error: Error) => {
        assert.ok(error.message.startsWith(row.message), error.message);
        return true;
      });
      assertEquals(f.responses, []);
      assertEquals(f.files.has(NGINX_FILE), !row.removes);
    });
  }
});
