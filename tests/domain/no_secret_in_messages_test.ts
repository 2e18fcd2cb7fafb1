/**
 * Property: whatever the inputs look like, no piece of a credential reaches
 * a log record or an error message. Damaged documents carrying canary
 * credentials go through every parser of such inputs and through the whole
 * use case, at every log level.
 */

import assert from "node:assert/strict";
import { mergeAuths } from "../../domain/credentials/auth_merge.ts";
import { errorChain } from "../../domain/errors/error_chain.ts";
import { parseDockerConfig } from "../../domain/credentials/docker_config.ts";
import { kubeconfigCluster } from "../../domain/api_server/kubeconfig.ts";
import { parseRequest } from "../../domain/kubelet/kubelet_protocol.ts";
import type { LogLevel } from "../../domain/ports.ts";
import { provideCredentials } from "../../domain/kubelet/provide_credentials.ts";
import { secretEntries } from "../../domain/credentials/pull_secret.ts";
import { namespaceFromToken } from "../../domain/kubelet/service_account_token.ts";
import { canaryInputs, damage, leakedPieces } from "../support/canaries.ts";
import { Random } from "../support/random_registries.ts";

const SEED = Number(Deno.env.get("CANARY_SEED") ?? crypto.getRandomValues(new Uint32Array(1))[0]);
const CASES = Number(Deno.env.get("CANARY_CASES") ?? 500);

const MIRRORS =
  '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "mirror.example:5000"\n';

function message(run: () => unknown): string {
  try {
    run();
    return "";
  } catch (error) {
    return errorChain(error);
  }
}

Deno.test(`no parser or log record repeats a credential (${CASES} cases, seed ${SEED})`, async (t) => {
  const random = new Random(SEED);
  for (let index = 0; index < CASES; index++) {
    const inputs = canaryInputs(random);
    const secret = random.chance(0.8) ? damage(random, inputs.secret) : inputs.secret;
    const global = random.chance(0.5) ? damage(random, inputs.global) : inputs.global;
    const request = random.chance(0.3) ? damage(random, inputs.request) : inputs.request;
    const kubeconfig = damage(random, inputs.kubeconfig);
    const pullSecret = {
      name: "s",
      type: random.pick(["kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg"]),
      data: { ".dockerconfigjson": secret, ".dockercfg": secret },
    };
    const said: string[] = [
      message(() => parseRequest(request)),
      message(() => parseDockerConfig(secret, { legacy: random.chance(0.5) })),
      message(() => parseDockerConfig(global, { legacy: false, credHelpers: true })),
      message(() => kubeconfigCluster(kubeconfig, "/var/lib/kubelet/kubeconfig")),
      message(() => namespaceFromToken(damage(random, inputs.token))),
      ((found) => "problem" in found ? found.problem : "")(secretEntries(pullSecret)),
    ];
    const logs: [LogLevel, string][] = [];
    const logger = { log: (level: LogLevel, text: string) => logs.push([level, text]) };
    mergeAuths({
      image: "docker.io/library/nginx",
      targets: [{
        repository: "mirror.example:5000/library/nginx",
        endpoint: "mirror.example:5000",
        mirror: true,
      }],
      secrets: [pullSecret],
      global: { entries: [], credHelpers: new Map() },
    }, logger);
    const responses: string[] = [];
    try {
      await provideCredentials({
        requests: { read: () => Promise.resolve(request) },
        responses: { write: (text) => Promise.resolve(void responses.push(text)) },
        registries: {
          read: () =>
            Promise.resolve({
              mainPath: "/etc/containers/registries.conf",
              main: { path: "/etc/containers/registries.conf", text: MIRRORS },
              dropIns: [],
            }),
        },
        secrets: {
          getSecrets: () =>
            Promise.resolve({ kind: "found", secrets: [pullSecret], unavailable: [] }),
          listPullSecrets: () =>
            Promise.resolve(
              random.chance(0.2)
                ? { kind: "refused", status: 401, message: "Unauthorized" }
                : { kind: "listed", secrets: [pullSecret] },
            ),
        },
        globalAuth: { path: "/var/lib/kubelet/config.json", read: () => Promise.resolve(global) },
        authStore: {
          write: () => Promise.resolve(),
          remove: () => Promise.resolve(false),
          sweep: () => Promise.resolve(0),
        },
        logger,
        clock: { now: () => 0 },
        deadline: new AbortController().signal,
      }, { authDir: "/etc/crio/auth" });
    } catch (error) {
      said.push(errorChain(error));
    }
    said.push(...logs.map(([, text]) => text));
    const leaked = leakedPieces(said.join("\n"), inputs.forms);
    if (leaked.length > 0) {
      await t.step(`case ${index} (seed ${SEED})`, () => {
        assert.fail(`leaked ${leaked.join(", ")} in:\n${said.join("\n")}`);
      });
    }
  }
});
