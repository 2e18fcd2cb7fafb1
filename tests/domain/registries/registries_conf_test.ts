import { assertEquals, assertThrows } from "../../support/assert.ts";
import {
  parseNormalizedReference,
  referenceString,
} from "../../../domain/registries/image_reference.ts";
import { pullSources } from "../../../domain/registries/pull_sources.ts";
import {
  loadRegistriesConf,
  RegistriesConfError,
} from "../../../domain/registries/registries_conf.ts";
import type { Endpoint, Registry } from "../../../domain/registries/registries_model.ts";
import { findRegistry } from "../../../domain/registries/registry_match.ts";
import {
  registriesFixture,
  type RegistriesVector,
  registriesVectors,
} from "../../support/registries_fixtures.ts";

/**
 * Where the vector's expected text cannot be reproduced outside Go, or the port
 * deliberately follows another vector; each entry says what is asserted instead.
 */
const KNOWN_DIFFERENCES: Record<string, { expectPrefix?: string; note: string }> = {
  // The syntax error text comes from smol-toml; the wrapper and the line number match.
  R39: {
    expectPrefix:
      'loading registries configuration "/etc/containers/registries.conf": toml: line 2: ',
    note: "TOML syntax error wording is the parser's",
  },
  // containers/image appends a Go %#v dump of its struct, which only Go can print.
  R43: {
    expectPrefix:
      'loading registries configuration "/etc/containers/registries.conf": mixing sysregistry v1/v2 is not supported: ',
    note: "Go struct dump",
  },
  R44: {
    expectPrefix:
      'loading registries configuration "/etc/containers/registries.conf": mixing sysregistry v1/v2 is not supported: ',
    note: "Go struct dump",
  },
  // The port reads the main file as CRI-O does by default, where a missing file is
  // empty (R53), never as containers/image does with an explicit path (R52).
  R52: { note: "port follows R53: the drop-in applies" },
};

function describeMirror(mirror: Endpoint): string {
  const notes = [
    ...(mirror.insecure ? ["insecure"] : []),
    ...(mirror.pullFromMirror ? [`pull-from-mirror=${mirror.pullFromMirror}`] : []),
  ];
  return notes.length === 0 ? mirror.location : `${mirror.location} (${notes.join(", ")})`;
}

function describeTable(registry: Registry | undefined) {
  if (registry === undefined) return null;
  return {
    prefix: registry.prefix,
    location: registry.location,
    flags: [
      ...(registry.blocked ? ["blocked"] : []),
      ...(registry.insecure ? ["insecure"] : []),
      ...(registry.mirrorByDigestOnly ? ["mirror-by-digest-only"] : []),
    ],
    mirrors: registry.mirrors.map(describeMirror),
  };
}

async function checkVector(vector: RegistriesVector): Promise<void> {
  const sources = await registriesFixture(vector.fixture);
  const known = KNOWN_DIFFERENCES[vector.id];
  if (vector.id === "R52") {
    const conf = loadRegistriesConf(sources);
    assertEquals(describeTable(findRegistry(conf, "docker.io/library/nginx"))?.mirrors, [
      "dropin.mirror",
    ]);
    return;
  }
  if (vector.error !== undefined) {
    const error = assertThrows(() => loadRegistriesConf(sources), RegistriesConfError);
    if (known?.expectPrefix !== undefined) {
      assertEquals(error.message.slice(0, known.expectPrefix.length), known.expectPrefix);
    } else {
      assertEquals(error.message, vector.error);
    }
    return;
  }
  const conf = loadRegistriesConf(sources);
  for (const lookup of vector.lookups ?? []) {
    assertEquals(describeTable(findRegistry(conf, lookup.ref)), lookup.table, lookup.ref);
  }
  for (const pull of vector.pullSources ?? []) {
    const reference = parseNormalizedReference(pull.ref);
    if (pull.error !== undefined) {
      assertThrows(() => pullSources(conf, reference), SyntaxError, pull.error);
    } else {
      const plan = pullSources(conf, reference);
      assertEquals(plan.sources.map((s) => referenceString(s.reference)), pull.sources, pull.ref);
    }
  }
  if (vector.unqualifiedSearchRegistries !== undefined) {
    assertEquals(conf.unqualifiedSearchRegistries, vector.unqualifiedSearchRegistries);
  }
  if (vector.credentialHelpers !== undefined) {
    assertEquals(conf.credentialHelpers, vector.credentialHelpers);
  }
}

Deno.test("loadRegistriesConf() agrees with every Part R vector", async (t) => {
  for (const vector of await registriesVectors()) {
    await t.step(`loadRegistriesConf() ${vector.id}: ${vector.name}`, () => checkVector(vector));
  }
});

Deno.test("loadRegistriesConf() names the first conflict as containers/image finds it", async (t) => {
  const table = (insecure: boolean, blocked: boolean, prefix: string) =>
    `[[registry]]\nprefix = "${prefix}"\nlocation = "x.example"\ninsecure = ${insecure}\nblocked = ${blocked}\n`;
  // Each table is compared with every table of its group in order, insecure before blocked.
  const rows: readonly [string, string, string][] = [
    [
      "a blocked twin before an insecure one",
      table(false, false, "a.example") + table(false, true, "b.example") +
      table(true, false, "c.example"),
      "blocked",
    ],
    [
      "an insecure twin before a blocked one",
      table(false, false, "a.example") + table(true, false, "b.example") +
      table(false, true, "c.example"),
      "insecure",
    ],
    [
      "one twin differing in both",
      table(false, false, "a.example") + table(true, true, "b.example"),
      "insecure",
    ],
  ];
  for (const [name, text, setting] of rows) {
    await t.step(`loadRegistriesConf() with ${name}`, () => {
      assertThrows(
        () =>
          loadRegistriesConf({
            main: { path: "/etc/containers/registries.conf", text },
            dropIns: [],
          }),
        RegistriesConfError,
        `registry 'x.example' is defined multiple times with conflicting '${setting}' setting`,
      );
    });
  }
});
