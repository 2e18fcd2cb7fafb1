import { assertEquals } from "../../support/assert.ts";
import {
  formatRegistryKey,
  matchRegistryKey,
  normalizeRegistryKey,
} from "../../../domain/credentials/registry_key.ts";

Deno.test("normalizeRegistryKey() reads keys as kubelet and containers/image do", async (t) => {
  const rows: readonly [string, string | undefined][] = [
    ["https://index.docker.io/v1/", "docker.io"],
    ["http://index.docker.io/v1", "docker.io"],
    ["index.docker.io", "docker.io"],
    ["registry-1.docker.io", "docker.io"],
    ["docker.io", "docker.io"],
    ["https://registry.example.com/v2/", "registry.example.com"],
    ["https://quay.io/v1/", "quay.io"],
    ["quay.io/v1/", "quay.io"],
    ["http://localhost:5000", "localhost:5000"],
    ["HTTPS://Quay.IO/team/", "quay.io/team"],
    ["mirror.corp/dockerhub/library", "mirror.corp/dockerhub/library"],
    ["https://registry.example.com/", "registry.example.com"],
    ["[::1]:5000", "[::1]:5000"],
    ["*.gcr.io", "*.gcr.io"],
    ["quay.io/v1x", "quay.io/v1x"],
    ["", undefined],
    ["https://", undefined],
    ["host:port", undefined],
    ["user@host", undefined],
    ["[m.corp", undefined],
  ];
  for (const [raw, expected] of rows) {
    await t.step(`normalizeRegistryKey() ${JSON.stringify(raw)}`, () => {
      const key = normalizeRegistryKey(raw);
      assertEquals(key === undefined ? undefined : formatRegistryKey(key), expected);
    });
  }
});

// The one matcher: host[:port] equal (globs label by label), path on a "/" boundary.
Deno.test("matchRegistryKey() applies keys host- and path-aware", async (t) => {
  const rows: readonly [string, string, string | undefined][] = [
    ["localhost:5000", "localhost:5000/library/nginx", "localhost:5000"],
    ["http://localhost:5000", "localhost:5000/library/nginx", "localhost:5000"],
    ["https://index.docker.io/v1/", "docker.io/library/nginx", "docker.io"],
    // W3: no match across host boundaries (C06) or ports.
    ["quay.io", "quay.io.evil.example/library/nginx", undefined],
    ["reg.io", "reg.iox/a", undefined],
    ["reg.io", "reg.io:5000/a", undefined],
    ["localhost:5", "localhost:5000/a", undefined],
    ["localhost:5000", "localhost/a", undefined],
    // Paths match whole components; a namespace key reaches its mirror (C09).
    [
      "mirror.corp/dockerhub/library",
      "mirror.corp/dockerhub/library/nginx",
      "mirror.corp/dockerhub/library",
    ],
    ["mirror.corp/dockerhub", "mirror.corp/dockerhub/library/nginx", "mirror.corp/dockerhub"],
    ["quay.io/coreos", "quay.io/coreosx/etcd", undefined],
    ["quay.io/team/app", "quay.io/team/app", "quay.io/team/app"],
    // Host case does not matter; the key is written as containers/image will look it up.
    ["MIRROR.corp", "Mirror.Corp/x", "Mirror.Corp"],
    // kubelet-style globs, written under the concrete host they matched (M01-M13).
    ["*.kubernetes.io", "prefix.kubernetes.io/x", "prefix.kubernetes.io"],
    ["prefix.*.io", "prefix.kubernetes.io/x", "prefix.kubernetes.io"],
    ["*-good.kubernetes.io", "prefix-good.kubernetes.io/x", "prefix-good.kubernetes.io"],
    ["prefix.*.io/foo", "prefix.kubernetes.io/foo/bar", "prefix.kubernetes.io/foo"],
    [
      "*.kubernetes.io:1111/blah",
      "prefix.kubernetes.io:1111/blah/x",
      "prefix.kubernetes.io:1111/blah",
    ],
    ["*.kubernetes.io", "kubernetes.io/x", undefined],
    ["k*.io", "quay.io/x", undefined],
    ["*.kubernetes.io:1234/blah", "prefix.kubernetes.io:1111/blah", undefined],
    ["prefix.*.io/foo", "prefix.kubernetes.io:1111/foo/bar", undefined],
    ["*", "localhost/foo", "localhost"],
    ["*", "a.b/foo", undefined],
    ["m?rror.corp", "mirror.corp/x", "mirror.corp"],
    ["[lm]irror.corp", "mirror.corp/x", "mirror.corp"],
    ["[^m]irror.corp", "mirror.corp/x", undefined],
    ["m[.corp", "mirror.corp/x", undefined],
    ["[::1]:5000", "[::1]:5000/a", "[::1]:5000"],
  ];
  for (const [raw, repository, expected] of rows) {
    await t.step(`matchRegistryKey() ${raw} for ${repository}`, () => {
      assertEquals(matchRegistryKey(normalizeRegistryKey(raw)!, repository), expected);
    });
  }
});
