/**
 * The containers/image oracle: `tests/cimage/cmd/cimage-oracle`, a Go program
 * linking the containers/image that CRI-O 1.36 vendors
 * (`go.podman.io/image/v5` v5.38.0, with `github.com/BurntSushi/toml` v1.6.0
 * as CRI-O 1.36.0–1.36.3 pin it). It answers, for a batch of JSON-lines
 * requests in one process, which registries.conf table serves an image, the
 * pull sources the docker transport tries and which of them it refuses before
 * any network access, and what `pkg/docker/config` finds in an auth file.
 *
 * The module `tests/cimage` is its own (the Kubernetes oracles live in
 * `tests/kube`); `go_programs.ts` builds it like the others, into
 * `build/go/`, reused while its inputs are unchanged. The first build
 * downloads the modules from the Go module proxy.
 *
 * Tests that need it are declared with {@linkcode testWithCimageOracle}: when
 * Go is missing they are ignored outside CI (the reason in the name) and fail
 * in CI (`CI=true`). The requests and answers are in `cimage_protocol.ts`;
 * `cimage_session.ts` asks them.
 */

import { testWithGoProgram } from "./go_oracle.ts";
import type { GoBuildOptions } from "./go_programs.ts";

/**
 * Build tags: OpenPGP in pure Go instead of gpgme, and no btrfs or
 * devicemapper graph drivers, so that no C library is needed.
 */
export const CIMAGE_BUILD_TAGS = [
  "containers_image_openpgp",
  "exclude_graphdriver_btrfs",
  "exclude_graphdriver_devicemapper",
] as const;

/** The oracle as `go_programs.ts` builds it. */
export const CIMAGE_ORACLE: { readonly name: string } & GoBuildOptions = {
  name: "cimage-oracle",
  module: "cimage",
  tags: CIMAGE_BUILD_TAGS,
};

/**
 * Declares a test that needs the oracle, built before the test is declared so
 * that a missing Go shows in the name. `fn` receives the binary's path.
 */
export async function testWithCimageOracle(
  name: string,
  fn: (t: Deno.TestContext, path: string) => Promise<void>,
): Promise<void> {
  await testWithGoProgram(name, CIMAGE_ORACLE, fn);
}
