/**
 * The architecture rules that a reviewer would otherwise have to remember:
 * `domain/` is pure and made of one folder per concept, tests mirror the
 * code, and only `src/main.ts` ends the process.
 */

import { assertEquals } from "./support/assert.ts";

const ROOT = new URL("../", import.meta.url).pathname;

async function sources(dir: string): Promise<{ path: string; text: string }[]> {
  const found: { path: string; text: string }[] = [];
  for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...await sources(path));
    else if (entry.name.endsWith(".ts")) {
      found.push({ path, text: await Deno.readTextFile(`${ROOT}${path}`) });
    }
  }
  return found;
}

/** Source text with comments and string contents blanked, so only code is checked. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/\/\/.*$/gm, "")
    .replace(/(["'`])(?:\\.|(?!\1)[^\\\n])*\1/g, '""');
}

Deno.test("domain/ reaches nothing outside itself", async (t) => {
  const rules: readonly [string, RegExp][] = [
    ["imports from adapters/ or src/", /from\s+["'](?:\.\.\/)+(adapters|src)\//],
    ["uses Deno.*", /\bDeno\./],
    ["calls fetch", /\bfetch\s*\(/],
    ["uses console", /\bconsole\./],
    ["reads the clock", /\b(Date\.now|new Date\s*\(\s*\)|performance\.now)\b/],
  ];
  for (const file of await sources("domain")) {
    await t.step(`${file.path} stays pure`, () => {
      const imports = file.text.match(/from\s+["'][^"']+["']/g) ?? [];
      const code = codeOnly(file.text);
      const broken = rules.filter(([, pattern]) =>
        pattern.test(code) || imports.some((i) => pattern.test(i))
      ).map(([name]) => name);
      assertEquals(broken, []);
    });
  }
});

Deno.test("domain/ has one folder per concept, and only the ports beside them", async () => {
  const loose = [];
  for await (const entry of Deno.readDir(`${ROOT}domain`)) {
    if (entry.isFile && entry.name !== "ports.ts") loose.push(entry.name);
  }
  assertEquals(loose, []);
});

Deno.test("tests/ mirrors the code: every unit test sits where its module sits", async () => {
  const misplaced = [];
  for (const dir of ["domain", "adapters", "src"]) {
    for (const { path } of await sources(`tests/${dir}`)) {
      const module = path.replace(/^tests\//, "").replace(/_test\.ts$/, ".ts");
      if (!path.endsWith("_test.ts")) continue;
      // Tests of a behaviour across modules (no module of that name) may sit in the folder.
      const exists = await Deno.stat(`${ROOT}${module}`).then(() => true, () => false);
      const elsewhere = exists ? [] : await modulesNamed(module.split("/").pop()!);
      if (elsewhere.length > 0) misplaced.push(`${path} (module: ${elsewhere.join(", ")})`);
    }
  }
  assertEquals(misplaced, []);
});

async function modulesNamed(name: string): Promise<string[]> {
  const found = [];
  for (const dir of ["domain", "adapters", "src"]) {
    for (const { path } of await sources(dir)) if (path.endsWith(`/${name}`)) found.push(path);
  }
  return found;
}

Deno.test("only src/main.ts exits the process", async () => {
  const exiting = [];
  for (const dir of ["domain", "adapters", "src"]) {
    for (const file of await sources(dir)) {
      if (/\bDeno\.exit\s*\(/.test(codeOnly(file.text))) exiting.push(file.path);
    }
  }
  assertEquals(exiting, ["src/main.ts"]);
});

/** The first argument of every `new …Error(` given as a string or template literal. */
function errorMessages(text: string): string[] {
  const literal = /new \w*Error\(\s*(["'`])((?:\\.|(?!\1)[^\\])*)\1/g;
  return [...text.matchAll(literal)].map((match) => match[2] ?? "");
}

Deno.test("error messages follow one style", async (t) => {
  const files = [
    ...await sources("domain"),
    ...await sources("adapters"),
    ...await sources("src"),
    ...await sources("packaging"),
    { path: "build.ts", text: await Deno.readTextFile(`${ROOT}build.ts`) },
  ];
  for (const file of files) {
    const messages = errorMessages(file.text);
    if (messages.length === 0) continue;
    await t.step(`${file.path} error messages`, () => {
      assertEquals(messages.filter((m) => m.trimEnd().endsWith(".")), [], "no trailing period");
      // domain/ speaks upstream's and containers/image's words, which are details in an
      // `unable to …: …` chain; the program's own messages start a sentence, a flag name
      // or an interpolated action.
      if (file.path.startsWith("domain/")) return;
      assertEquals(
        messages.filter((m) => !/^(?:[A-Z]|--|\$\{)/.test(m)),
        [],
        "sentence case",
      );
    });
  }
});
