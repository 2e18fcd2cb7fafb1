/**
 * An SPDX 2.3 software bill of materials for a release, generated from
 * `deno.lock`: the provider, the Deno runtime it is compiled into, and every
 * locked npm package with its version, registry tarball, SHA-512 checksum,
 * package URL and declared licence (read from the package's own manifest in
 * the Deno cache, when present).
 *
 * @module
 */

/** One locked npm package. */
export interface LockedPackage {
  readonly name: string;
  readonly version: string;
  /** `sha512-<base64>` from deno.lock. */
  readonly integrity: string;
}

/** What the document describes. */
export interface SbomInput {
  readonly version: string;
  readonly denoVersion: string;
  readonly packages: readonly LockedPackage[];
  /** Package name → declared licence, where known. */
  readonly licenses: ReadonlyMap<string, string>;
  /** ISO 8601 creation time (the build date, for reproducibility). */
  readonly created: string;
}

/** The npm packages of a deno.lock, in lock order. */
export function lockedPackages(lock: unknown): LockedPackage[] {
  const npm = (lock as { npm?: Record<string, { integrity?: string }> }).npm ?? {};
  return Object.entries(npm).map(([id, entry]) => {
    const at = id.lastIndexOf("@");
    return { name: id.slice(0, at), version: id.slice(at + 1), integrity: entry.integrity ?? "" };
  });
}

function sha512Hex(integrity: string): string | undefined {
  const match = /^sha512-([A-Za-z0-9+/=]+)$/.exec(integrity);
  if (match === null) return undefined;
  return Uint8Array.fromBase64(match[1]!).toHex();
}

function spdxId(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]/g, "-");
}

/**
 * The SPDX document as JSON text.
 *
 * @example
 * ```ts
 * import { spdxDocument } from "./spdx.ts";
 * JSON.parse(spdxDocument({ version: "0.1.0", denoVersion: "2.9.6", packages: [], licenses: new Map(), created: "2026-01-01T00:00:00Z" })).spdxVersion;
 * // "SPDX-2.3"
 * ```
 */
export function spdxDocument(input: SbomInput): string {
  const name = `crio-credential-provider-${input.version}`;
  const root = "SPDXRef-Package-crio-credential-provider";
  const runtime = "SPDXRef-Package-deno";
  const dependencies = input.packages.map((p) => {
    const checksum = sha512Hex(p.integrity);
    return {
      name: p.name,
      SPDXID: `SPDXRef-Package-npm-${spdxId(`${p.name}-${p.version}`)}`,
      versionInfo: p.version,
      downloadLocation: `https://registry.npmjs.org/${p.name}/-/${
        p.name.split("/").at(-1)
      }-${p.version}.tgz`,
      ...(checksum === undefined
        ? {}
        : { checksums: [{ algorithm: "SHA512", checksumValue: checksum }] }),
      licenseConcluded: "NOASSERTION",
      licenseDeclared: input.licenses.get(p.name) ?? "NOASSERTION",
      copyrightText: "NOASSERTION",
      filesAnalyzed: false,
      externalRefs: [{
        referenceCategory: "PACKAGE-MANAGER",
        referenceType: "purl",
        referenceLocator: `pkg:npm/${p.name.replace("@", "%40")}@${p.version}`,
      }],
    };
  });
  const document = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name,
    documentNamespace: `https://github.com/cri-o/crio-credential-provider/spdx/${name}`,
    creationInfo: { created: input.created, creators: ["Tool: crio-credential-provider-dist"] },
    packages: [
      {
        name: "crio-credential-provider",
        SPDXID: root,
        versionInfo: input.version,
        downloadLocation: "https://github.com/cri-o/crio-credential-provider",
        licenseConcluded: "Apache-2.0",
        licenseDeclared: "Apache-2.0",
        copyrightText: "NOASSERTION",
        filesAnalyzed: false,
        primaryPackagePurpose: "APPLICATION",
      },
      {
        name: "deno",
        SPDXID: runtime,
        versionInfo: input.denoVersion,
        downloadLocation: `https://dl.deno.land/release/v${input.denoVersion}/`,
        licenseConcluded: "NOASSERTION",
        licenseDeclared: "MIT",
        copyrightText: "NOASSERTION",
        filesAnalyzed: false,
        externalRefs: [{
          referenceCategory: "PACKAGE-MANAGER",
          referenceType: "purl",
          referenceLocator: `pkg:github/denoland/deno@v${input.denoVersion}`,
        }],
      },
      ...dependencies,
    ],
    relationships: [
      {
        spdxElementId: "SPDXRef-DOCUMENT",
        relationshipType: "DESCRIBES",
        relatedSpdxElement: root,
      },
      { spdxElementId: root, relationshipType: "DEPENDS_ON", relatedSpdxElement: runtime },
      ...dependencies.map((d) => ({
        spdxElementId: root,
        relationshipType: "DEPENDS_ON",
        relatedSpdxElement: d.SPDXID,
      })),
    ],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
