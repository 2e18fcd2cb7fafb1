import { assertEquals, assertThrows } from "../support/assert.ts";
import { parseProviderArgs } from "../../src/flags.ts";
import { UsageError } from "../../src/usage_error.ts";

Deno.test("parseProviderArgs() defaults to the standard node paths", () => {
  assertEquals(parseProviderArgs([]), {
    kind: "run",
    config: {
      authDir: "/etc/crio/auth",
      globalAuthFile: "/var/lib/kubelet/config.json",
      kubernetesConfigDir: "/etc/kubernetes",
      kubeconfigs: ["/etc/kubernetes/kubelet.conf", "/var/lib/kubelet/kubeconfig"],
      insecureSkipTlsVerify: false,
      requireSecretAnnotation: false,
      timeoutSeconds: 30,
      logLevel: "warning",
      journalSocket: "/run/systemd/journal/socket",
    },
  });
});

Deno.test("parseProviderArgs() takes every flag, in GNU and Go style", () => {
  const command = parseProviderArgs([
    "--registries-conf=/srv/r.conf",
    "-registries-conf-dir",
    "/srv/r.d",
    "--auth-dir",
    "/run/crio/auth",
    "-global-auth-file=/etc/crio/auth.json",
    "--kubernetes-config-dir",
    "/srv/kube",
    "--kubeconfig",
    "/srv/kubelet.conf",
    "--api-server",
    "https://api:6443",
    "--ca-file",
    "/srv/ca.pem",
    "--insecure-skip-tls-verify",
    "-require-secret-annotation",
    "--timeout",
    "12.5",
    "--log-level",
    "debug",
    "--journal-socket",
    "/srv/journal",
  ]);
  assertEquals(command, {
    kind: "run",
    config: {
      registriesConf: "/srv/r.conf",
      registriesConfDir: "/srv/r.d",
      authDir: "/run/crio/auth",
      globalAuthFile: "/etc/crio/auth.json",
      kubernetesConfigDir: "/srv/kube",
      kubeconfigs: ["/srv/kubelet.conf"],
      apiServer: "https://api:6443",
      caFile: "/srv/ca.pem",
      insecureSkipTlsVerify: true,
      requireSecretAnnotation: true,
      timeoutSeconds: 12.5,
      logLevel: "debug",
      journalSocket: "/srv/journal",
    },
  });
});

Deno.test("parseProviderArgs() recognizes help and version flags", async (t) => {
  const rows: readonly [string[], string][] = [
    [["--help"], "help"],
    [["-h"], "help"],
    [["--version"], "version"],
    [["-version"], "version"],
    [["--version-json"], "version-json"],
    [["-version-json"], "version-json"],
  ];
  for (const [args, kind] of rows) {
    await t.step(
      `parseProviderArgs() ${args.join(" ")}`,
      () => assertEquals(parseProviderArgs(args).kind, kind),
    );
  }
});

Deno.test("parseProviderArgs() reads booleans as Go's flag package does, the last one winning", async (t) => {
  const rows: readonly [string[], boolean][] = [
    [["--insecure-skip-tls-verify"], true],
    [["-insecure-skip-tls-verify"], true],
    [["--insecure-skip-tls-verify=true"], true],
    [["-insecure-skip-tls-verify=T"], true],
    [["--insecure-skip-tls-verify=1"], true],
    [["--insecure-skip-tls-verify=false"], false],
    [["--insecure-skip-tls-verify=FALSE"], false],
    [["--insecure-skip-tls-verify", "--insecure-skip-tls-verify=0"], false],
    [["--insecure-skip-tls-verify=f", "-insecure-skip-tls-verify"], true],
    [[], false],
  ];
  for (const [args, expected] of rows) {
    await t.step(`parseProviderArgs() with ${args.join(" ") || "nothing"}`, () => {
      const command = parseProviderArgs(args);
      assertEquals(command.kind === "run" && command.config.insecureSkipTlsVerify, expected);
    });
  }
});

Deno.test("parseProviderArgs() rejects bad arguments", async (t) => {
  const rows: readonly [string[], string][] = [
    [["--bogus"], "Unknown option '--bogus'"],
    [["extra"], "Unexpected argument 'extra'"],
    [["--auth-dir", "relative/auth"], '--auth-dir must be an absolute path, got "relative/auth"'],
    [["--kubernetes-config-dir", "etc"], "--kubernetes-config-dir must be an absolute path"],
    [
      ["--timeout", "0"],
      '--timeout must be a number of seconds from 0.001 to 2147483, got "0"',
    ],
    [["--timeout", "soon"], "--timeout must be a number of seconds from 0.001"],
    // A timer cannot hold more: 2147484 s would fire at once.
    [
      ["--timeout", "2147484"],
      '--timeout must be a number of seconds from 0.001 to 2147483, got "2147484"',
    ],
    [
      ["--timeout", "1e3"],
      '--timeout must be a number of seconds from 0.001 to 2147483, got "1e3"',
    ],
    [["--timeout", "Infinity"], "--timeout must be a number of seconds"],
    [["--timeout=-1"], "--timeout must be a number of seconds"],
    [["--timeout", ""], "--timeout must be a number of seconds"],
    [["--log-level", "loud"], '--log-level must be one of debug, info, warning, error, got "loud"'],
    [["--auth-dir"], "Option '--auth-dir <value>' argument missing"],
    [["--timeout", "0.0009"], "--timeout must be a number of seconds from 0.001"],
    [["--api-server", "http://localhost:8080"], "--api-server: Refusing plain HTTP API server"],
    [
      ["--insecure-skip-tls-verify=yes"],
      'Invalid boolean value "yes" for --insecure-skip-tls-verify',
    ],
    [["--insecure-skip-tls-verify="], 'Invalid boolean value "" for --insecure-skip-tls-verify'],
    // Names every object has are no booleans either.
    [["--insecure-skip-tls-verify=toString"], 'Invalid boolean value "toString"'],
    [["--insecure-skip-tls-verify=valueOf"], 'Invalid boolean value "valueOf"'],
    [["--require-secret-annotation=constructor"], 'Invalid boolean value "constructor"'],
    [["-require-secret-annotation=hasOwnProperty"], 'Invalid boolean value "hasOwnProperty"'],
    [["--insecure-skip-tls-verify=__proto__"], 'Invalid boolean value "__proto__"'],
  ];
  for (const [args, message] of rows) {
    await t.step(`parseProviderArgs() rejects ${args.join(" ")}`, () => {
      assertThrows(() => parseProviderArgs(args), UsageError, message);
    });
  }
});
