/**
 * Tests that need external tools (skopeo, a registry, root for namespaces).
 * In CI (`CI=true`) a missing tool fails the test; elsewhere the test is
 * reported as ignored, never silently passed.
 */

const IN_CI = Deno.env.get("CI") === "true";

async function onPath(tool: string): Promise<boolean> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if ((await Deno.stat(`${dir}/${tool}`)).isFile) return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

async function isRoot(): Promise<boolean> {
  const output = await new Deno.Command("id", { args: ["-u"], stdout: "piped" }).output();
  return new TextDecoder().decode(output.stdout).trim() === "0";
}

/** What is missing to run a test that needs `tools` (and root, when asked). */
export async function missingRequirements(
  tools: readonly string[],
  options: { root?: boolean } = {},
): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of tools) if (!await onPath(tool)) missing.push(tool);
  if (options.root && !await isRoot()) missing.push("root (for mount and network namespaces)");
  return missing;
}

/**
 * Declares a test that needs `tools`: ignored (and so reported) when they are
 * missing outside CI, failing when they are missing in CI.
 */
export async function testWithTools(
  name: string,
  requirements: { tools: readonly string[]; root?: boolean },
  fn: (t: Deno.TestContext) => Promise<void>,
): Promise<void> {
  const missing = await missingRequirements(requirements.tools, requirements);
  Deno.test({
    name: missing.length > 0 ? `${name} (needs ${missing.join(", ")})` : name,
    ignore: missing.length > 0 && !IN_CI,
    fn: async (t) => {
      if (missing.length > 0) throw new Error(`Missing test requirements: ${missing.join(", ")}`);
      await fn(t);
    },
  });
}
