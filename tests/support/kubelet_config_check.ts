/**
 * Runs `tests/kube/cmd/kubelet-config-check` (kubelet's own
 * `plugin.RegisterCredentialProviderPlugins`, built against one Kubernetes
 * release) on a credential provider config, with a bin dir holding an
 * executable for each provider name given.
 */

import { runGoProgram } from "./go_oracle.ts";
import { withTempDir } from "./temp_tree.ts";

/** The feature gate the provider's `tokenAttributes` need. */
export const TOKEN_GATE = "KubeletServiceAccountTokenForCredentialProviders";

/** What kubelet made of a config. */
export interface KubeletVerdict {
  readonly kubernetes: string;
  readonly defaultGates: Readonly<Record<string, boolean>>;
  readonly gates: Readonly<Record<string, boolean>>;
  readonly accepted: boolean;
  readonly error?: string;
}

/** A config to show kubelet, and the node around it. */
export interface KubeletCheck {
  /** The config file's text. */
  readonly config: string;
  /** The executables in the bin dir (provider names). */
  readonly executables: readonly string[];
  /** Gates to set; the others keep the release's defaults. */
  readonly gates?: Readonly<Record<string, boolean>>;
}

/**
 * kubelet's verdict on `check`, with `{config}` and `{binDir}` in its error
 * text standing for the temporary paths.
 */
export async function kubeletVerdict(
  program: string,
  check: KubeletCheck,
): Promise<KubeletVerdict> {
  return await withTempDir(async (dir) => {
    const config = `${dir}/credential-provider-config.yaml`;
    const binDir = `${dir}/bin`;
    await Deno.writeTextFile(config, check.config);
    await Deno.mkdir(binDir);
    for (const name of check.executables) {
      // Registration only looks the executable up; it never runs it.
      await Deno.writeTextFile(`${binDir}/${name}`, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    }
    const input = { config, binDir, ...(check.gates ? { gates: check.gates } : {}) };
    const { lines } = await runGoProgram(program, JSON.stringify(input));
    const verdict = lines[0] as KubeletVerdict;
    return verdict.error === undefined ? verdict : {
      ...verdict,
      error: verdict.error.replaceAll(config, "{config}").replaceAll(binDir, "{binDir}"),
    };
  });
}
