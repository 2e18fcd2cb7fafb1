/**
 * The A vectors of the specification (`vectors.md` Part A): auth files and
 * what containers/image's `pkg/docker/config` finds in them for each lookup
 * key, for `tests/cimage/credentials_vectors_test.ts`.
 */

export type Expected =
  | { readonly user: string; readonly password: string; readonly identityToken?: string }
  | "none"
  | { readonly error: string };

export interface AVector {
  readonly id: string;
  /** The file's text; `legacy` for the `.dockercfg` format (`LegacyFormatAuthFilePath`). */
  readonly file: string;
  readonly legacy?: boolean;
  readonly lookups: readonly (readonly [key: string, expected: Expected])[];
}

export const up = (user: string, password: string, identityToken?: string): Expected => ({
  user,
  password,
  ...(identityToken === undefined ? {} : { identityToken }),
});

/** `vectors.md` Part A, transcribed. */
export const A_VECTORS: readonly AVector[] = [
  {
    id: "A01 most specific key first",
    file:
      '{"auths": {"quay.io": {"auth": "aG9zdDpo"}, "quay.io/user": {"auth": "bnM6bg=="}, "quay.io/user/image": {"auth": "cmVwbzpy"}}}',
    lookups: [
      ["quay.io/user/image", up("repo", "r")],
      ["quay.io/user/other", up("ns", "n")],
      ["quay.io/other/image", up("host", "h")],
      ["quay.io", up("host", "h")],
    ],
  },
  {
    id: "A02 docker.io library namespace",
    file:
      '{"auths": {"docker.io/library": {"auth": "bGliOmw="}, "docker.io": {"auth": "aHViOmg="}}}',
    lookups: [
      ["docker.io/library/nginx", up("lib", "l")],
      ["docker.io/bitnami/redis", up("hub", "h")],
    ],
  },
  {
    id: "A03 legacy docker hub key with scheme and /v1/",
    file: '{"auths": {"https://index.docker.io/v1/": {"auth": "bGVnYWN5Omh1Yg=="}}}',
    lookups: [
      ["docker.io/library/nginx", up("legacy", "hub")],
      ["index.docker.io/library/nginx", up("legacy", "hub")],
      ["registry-1.docker.io/library/nginx", up("legacy", "hub")],
    ],
  },
  {
    id: "A04 index.docker.io key without scheme",
    file: '{"auths": {"index.docker.io": {"auth": "aWR4Omh1Yg=="}}}',
    lookups: [["docker.io/library/nginx", up("idx", "hub")]],
  },
  {
    id: "A05 registry-1.docker.io key",
    file: '{"auths": {"registry-1.docker.io": {"auth": "cjE6aHVi"}}}',
    lookups: [["docker.io/library/nginx", up("r1", "hub")]],
  },
  {
    id: "A06 exact docker.io beats index.docker.io",
    file:
      '{"auths": {"index.docker.io": {"auth": "aWR4Ong="}, "docker.io": {"auth": "cGxhaW46eQ=="}}}',
    lookups: [["docker.io/library/nginx", up("plain", "y")]],
  },
  {
    id: "A07 scheme+path key for another registry",
    file: '{"auths": {"https://quay.io/v1/": {"auth": "cTox"}}}',
    lookups: [["quay.io/foo/bar", up("q", "1")]],
  },
  {
    id: "A08 schemeless key with path suffix is not normalised",
    file: '{"auths": {"quay.io/v1/": {"auth": "cTox"}}}',
    lookups: [["quay.io/foo/bar", "none"], ["quay.io/v1", "none"]],
  },
  {
    id: "A09 http:// key",
    file: '{"auths": {"http://localhost": {"auth": "bG9jYWw6aG9zdA=="}}}',
    lookups: [["localhost/foo", up("local", "host")], ["localhost:5000/foo", "none"]],
  },
  {
    id: "A10 port must match",
    file:
      '{"auths": {"localhost:5000": {"auth": "bDo1MDAw"}, "localhost": {"auth": "bDpub3BvcnQ="}}}',
    lookups: [
      ["localhost:5000/foo", up("l", "5000")],
      ["localhost:5001/foo", "none"],
      ["localhost/foo", up("l", "noport")],
    ],
  },
  {
    id: "A11 namespace keys match whole path segments only",
    file:
      '{"auths": {"example.org/repo": {"auth": "cmVwbzp4"}, "example.org": {"auth": "aG9zdDp5"}}}',
    lookups: [
      ["example.org/repo/image", up("repo", "x")],
      ["example.org/repository/image", up("host", "y")],
      ["example.org/repo", up("repo", "x")],
    ],
  },
  {
    id: "A12 mirror physical reference lookup",
    file:
      '{"auths": {"mirror.corp/dockerhub": {"auth": "bTpucw=="}, "mirror.corp": {"auth": "bTpob3N0"}, "docker.io": {"auth": "aHViOmg="}}}',
    lookups: [
      ["mirror.corp/dockerhub/library/nginx", up("m", "ns")],
      ["mirror.corp/other/library/nginx", up("m", "host")],
      ["docker.io/library/nginx", up("hub", "h")],
    ],
  },
  {
    id: "A13 empty auth at a more specific key shadows the host key",
    file: '{"auths": {"quay.io/team": {}, "quay.io": {"auth": "aG9zdDpo"}}}',
    lookups: [["quay.io/team/app", "none"], ["quay.io/other/app", up("host", "h")]],
  },
  {
    id: "A14 auth without colon is ignored (and shadows)",
    file: '{"auths": {"quay.io/team": {"auth": "bm9jb2xvbg=="}, "quay.io": {"auth": "aG9zdDpo"}}}',
    lookups: [["quay.io/team/app", "none"]],
  },
  {
    id: "A15 invalid base64 is an error",
    file: '{"auths": {"quay.io": {"auth": "!!notbase64!!"}}}',
    lookups: [["quay.io/app", { error: "illegal base64 data at input byte 0" }]],
  },
  {
    id: "A16 identity token",
    file:
      '{"auths": {"example.org": {"auth": "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==", "identitytoken": "tok"}}}',
    lookups: [["example.org/app", up("00000000-0000-0000-0000-000000000000", "", "tok")]],
  },
  {
    id: "A17 password NUL trimmed, colon in password kept",
    file: '{"auths": {"example.org": {"auth": "dXNlcjpwYTpzcwAA"}}}',
    lookups: [["example.org/app", up("user", "pa:ss")]],
  },
  {
    id: "A18 username/password JSON fields are ignored by containers/image",
    file: '{"auths": {"example.org": {"username": "u", "password": "p"}}}',
    lookups: [["example.org/app", "none"]],
  },
  {
    id: "A19 credHelpers take precedence over auths (registry only)",
    file:
      '{"auths": {"example.org/app": {"auth": "YTpi"}}, "credHelpers": {"example.org": "secretservice"}}',
    lookups: [["example.org/app", up("<credHelper:secretservice>", "")]],
  },
  {
    id: "A20 legacy .dockercfg format (no auths wrapper)",
    legacy: true,
    file:
      '{"http://index.docker.io/v1": {"auth": "ZG9ja2VyOmlvLWxlZ2FjeQ=="}, "https://localhost/v1": {"auth": "bG9jYWw6aG9zdC1sZWdhY3k="}}',
    lookups: [
      ["docker.io/library/nginx", up("docker", "io-legacy")],
      ["localhost/foo", up("local", "host-legacy")],
      ["localhost", up("local", "host-legacy")],
    ],
  },
  {
    id: "A21 legacy format ignores namespace keys",
    legacy: true,
    file: '{"quay.io/team": {"auth": "bnM6bg=="}, "quay.io": {"auth": "aG9zdDpo"}}',
    lookups: [["quay.io/team/app", up("host", "h")]],
  },
  {
    id: "A22 keys with tag/digest/scheme are rejected",
    file: '{"auths": {}}',
    lookups: [
      ["quay.io/app:1", { error: "key quay.io/app:1 contains a ':' character after host[:port]" }],
      ["quay.io/app@sha256:abc", { error: "key quay.io/app@sha256:abc contains a '@' character" }],
      ["https://quay.io", { error: "key https://quay.io contains http[s]:// prefix" }],
      [
        "localhost:5000/repo:tag",
        { error: "key localhost:5000/repo:tag contains a ':' character after host[:port]" },
      ],
    ],
  },
  {
    id: "A23 trailing-slash host key (https) normalised",
    file: '{"auths": {"https://registry.example.com/": {"auth": "dDpz"}}}',
    lookups: [["registry.example.com/app", up("t", "s")]],
  },
  {
    id: "A24 auth.json without auths",
    file: "{}",
    lookups: [["quay.io/app", "none"]],
  },
];
