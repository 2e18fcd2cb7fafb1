/**
 * The platform provider files are the Machine Config Operator's own, byte
 * for byte: a MachineConfig replaces the whole file, so anything else would
 * change the platform's provider on every node.
 */

import { CLOUD_PLATFORMS, platformProviderFile } from "../../../domain/deployment/openshift.ts";
import { assertEquals } from "../../support/assert.ts";
import { platformDefaultFile, PLATFORMS } from "../../support/openshift_provider_files.ts";

Deno.test("platformProviderFile() keeps the operator's template verbatim", async (t) => {
  for (const { platform } of PLATFORMS) {
    await t.step(`platformProviderFile() for ${platform} is the operator's file`, async () => {
      const template = await platformDefaultFile(platform);
      const ours = CLOUD_PLATFORMS[platform]!;
      assertEquals(
        { path: ours.file, contents: platformProviderFile(ours, "") },
        { path: template.path, contents: template.contents },
      );
    });
  }
});
