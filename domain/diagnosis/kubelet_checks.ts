/**
 * `doctor`'s kubelet checks: does kubelet run this provider at all, with a
 * config it accepts, under the executable's name, keeping the platform's own
 * provider (deployment.md §6).
 *
 * @module
 */

import { validateCredentialProviderConfig } from "../deployment/kubelet_config.ts";
import { type Check, fail, flagValue, pass, versionOf, warn } from "./check.ts";
import type { NodeFacts } from "./node_facts.ts";

const CONFIG_FLAG = "image-credential-provider-config";
const BIN_DIR_FLAG = "image-credential-provider-bin-dir";

/** Where kubelet reads its provider config and binaries, and from which source. */
export interface KubeletSetup {
  readonly configPath?: string;
  readonly binDir?: string;
}

/** The config and bin dir kubelet uses (or `--kubelet-config` says). */
export function kubeletSetup(facts: NodeFacts): KubeletSetup {
  const args = facts.kubelet.args ?? [];
  const configPath = facts.kubelet.configOverride ?? flagValue(args, CONFIG_FLAG);
  const binDir = flagValue(args, BIN_DIR_FLAG);
  return {
    ...(configPath === undefined ? {} : { configPath }),
    ...(binDir === undefined ? {} : { binDir }),
  };
}

/** The Kubernetes minor version kubelet reports, when it does. */
export function kubeletMinor(facts: NodeFacts): number | undefined {
  const version = facts.kubelet.version;
  if (version === undefined || !("value" in version)) return undefined;
  return versionOf(version.value)?.[1];
}

function flagsCheck(facts: NodeFacts): Check {
  const name = "kubelet runs credential providers";
  const { args, configOverride, configsOnDisk } = facts.kubelet;
  if (configOverride !== undefined) {
    return pass(
      name,
      `checking ${JSON.stringify(configOverride)} (--kubelet-config), not kubelet's arguments`,
    );
  }
  if (args === undefined && facts.kubelet.argsProblem !== undefined) {
    return warn(
      name,
      `not checked: ${facts.kubelet.argsProblem}`,
      "pass --kubelet-config PATH, or run doctor with permission to read /proc",
    );
  }
  if (args === undefined) {
    return fail(
      name,
      "no kubelet process found",
      "run doctor on a node whose kubelet is running, or pass --kubelet-config PATH",
    );
  }
  const config = flagValue(args, CONFIG_FLAG);
  const binDir = flagValue(args, BIN_DIR_FLAG);
  if (config !== undefined && binDir !== undefined) {
    return pass(name, `kubelet has --${CONFIG_FLAG}=${config} --${BIN_DIR_FLAG}=${binDir}`);
  }
  const present = configsOnDisk.length > 0
    ? `configured but not active: ${
      configsOnDisk.map((p) => JSON.stringify(p)).join(", ")
    } exist(s), `
    : "";
  return fail(
    name,
    `${present}kubelet runs without --${config === undefined ? CONFIG_FLAG : BIN_DIR_FLAG}`,
    `start kubelet with --${CONFIG_FLAG}=<config> and --${BIN_DIR_FLAG}=<dir> (OpenShift 4.21 sets them on AWS, GCP and Azure only; use 4.23's CRIOCredentialProviderConfig elsewhere)`,
  );
}

function tokenGate(facts: NodeFacts, minor: number): boolean {
  const gates = flagValue(facts.kubelet.args ?? [], "feature-gates") ?? "";
  const setting = /(?:^|,)KubeletServiceAccountTokenForCredentialProviders=(true|false)(?:,|$)/
    .exec(gates);
  return setting ? setting[1] === "true" : minor >= 34;
}

function configChecks(facts: NodeFacts, setup: KubeletSetup): Check[] {
  const name = "provider config";
  const found = facts.providerConfig;
  if (setup.configPath === undefined || found === undefined) return [];
  if ("problem" in found.config) {
    return [
      fail(
        name,
        `kubelet cannot read ${JSON.stringify(found.path)}: ${found.config.problem}`,
        "fix the file, or write it with generate kubelet-config",
      ),
    ];
  }
  const config = found.config.value;
  const minor = kubeletMinor(facts);
  const checks: Check[] = [];
  if (minor === undefined) {
    checks.push(
      warn(
        "kubelet version",
        "kubelet --version did not answer; checking the config as for Kubernetes 1.34",
        "run doctor where the kubelet binary is on PATH",
      ),
    );
  }
  const target = { minor: minor ?? 34, tokenGate: tokenGate(facts, minor ?? 34) };
  const errors = validateCredentialProviderConfig(config, target);
  if (errors.length > 0) {
    checks.push(fail(
      name,
      `kubelet 1.${target.minor} would refuse ${JSON.stringify(found.path)}: ${errors[0]}${
        errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""
      }`,
      `regenerate it: generate kubelet-config --kubernetes-version 1.${target.minor} --merge ${found.path}`,
    ));
    return checks;
  }
  const ours = config.providers.find((provider) => provider.name === facts.executableName);
  if (ours === undefined) {
    checks.push(fail(
      name,
      `no provider named ${JSON.stringify(facts.executableName)} (this executable's file name) in ${
        JSON.stringify(found.path)
      }: ${config.providers.map((p) => JSON.stringify(p.name)).join(", ")}`,
      "name the provider after the executable in the bin dir: generate kubelet-config --merge <config>",
    ));
    return checks;
  }
  checks.push(
    pass(
      name,
      `kubelet 1.${target.minor} accepts ${
        JSON.stringify(found.path)
      }; ${facts.executableName} matches ${ours.matchImages.join(", ")}`,
    ),
  );
  if (!ours.tokenAttributes) {
    checks.push(
      fail(
        "service-account token",
        "the provider entry has no tokenAttributes: kubelet sends no token, so no namespace is known",
        "add tokenAttributes (generate kubelet-config)",
      ),
    );
  }
  const platform = /\/(ecr|gcr|acr)-credential-provider\.yaml$/.exec(found.path)?.[1];
  if (platform !== undefined) {
    const own = `${platform}-credential-provider`;
    checks.push(
      config.providers.some((p) => p.name === own)
        ? pass("platform provider", `${own} is still configured`)
        : fail(
          "platform provider",
          `${
            JSON.stringify(found.path)
          } no longer lists ${own}: pulls from the platform's registry lose their credentials`,
          "restore the platform's provider: generate machineconfig keeps it",
        ),
    );
  }
  return checks;
}

function executableCheck(facts: NodeFacts, setup: KubeletSetup): Check[] {
  const name = "provider executable";
  const executable = facts.executable;
  if (setup.binDir === undefined || executable === undefined) return [];
  if (!executable.exists) {
    return [
      fail(
        name,
        `${JSON.stringify(executable.path)} does not exist`,
        `install the binary as ${executable.path}`,
      ),
    ];
  }
  if (!executable.executable) {
    return [
      fail(
        name,
        `${JSON.stringify(executable.path)} is not executable`,
        `chmod 0755 ${executable.path}`,
      ),
    ];
  }
  return [pass(name, `${JSON.stringify(executable.path)} is executable`)];
}

/**
 * The kubelet checks.
 *
 * @example
 * ```ts ignore
 * import { kubeletChecks } from "./kubelet_checks.ts";
 * const checks = kubeletChecks(facts);
 * ```
 */
export function kubeletChecks(facts: NodeFacts): Check[] {
  const setup = kubeletSetup(facts);
  return [flagsCheck(facts), ...configChecks(facts, setup), ...executableCheck(facts, setup)];
}
