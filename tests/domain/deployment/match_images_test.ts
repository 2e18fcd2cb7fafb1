import { assertEquals } from "../../support/assert.ts";
import {
  kubeletMatchImageProblem,
  openShiftMatchImagesProblem,
  scopeIsNestedInsideScope,
} from "../../../domain/deployment/match_images.ts";

Deno.test("kubeletMatchImageProblem() accepts what kubelet can use", async (t) => {
  const accepted = [
    "docker.io",
    "*.kubernetes.io",
    "prefix.*.io/foo",
    "*-good.kubernetes.io",
    "*.kubernetes.io:1111/blah",
    "registry:5000",
    "reg[a-c].example.com",
    "quay.io/org/repo",
  ];
  for (const pattern of accepted) {
    await t.step(`kubeletMatchImageProblem() accepts ${pattern}`, () => {
      assertEquals(kubeletMatchImageProblem(pattern), undefined);
    });
  }
  const refused: readonly [string, string][] = [
    ["", "an empty pattern matches no image"],
    ["docker.io extra", "it contains white space or control characters"],
    ["registry:port", 'invalid port ":port" after host'],
    ["a?.io", "it contains '?' or '#', which end a URL's host and path"],
    ["user@registry.io", "it contains user information"],
    ["reg\\istry.io", "it has a character a host name cannot have"],
    ["[abc.io", "missing ']' in host"],
    ["a[bc.io", 'the glob "a[bc" is malformed (Go\'s filepath.Match)'],
    ["a].io", 'the glob "a]" is malformed (Go\'s filepath.Match)'],
    [":5000", "it has no host"],
  ];
  for (const [pattern, problem] of refused) {
    await t.step(`kubeletMatchImageProblem() refuses ${JSON.stringify(pattern)}`, () => {
      assertEquals(kubeletMatchImageProblem(pattern), problem);
    });
  }
});

Deno.test("openShiftMatchImagesProblem() applies the CRIOCredentialProviderConfig API rules", async (t) => {
  // deployment.md §2.2, from openshift/api's own tests.
  const accepted = [
    "docker.io",
    "*.azurecr.io",
    "k8s.*",
    "*.*.registry.io",
    "registry.io:8080/path",
    "localhost:5000",
    "quay.io/org/repo",
    "docker.io/",
    "192.168.0.1:5000",
    "registry.io:8080/path_with_underscore",
  ];
  for (const pattern of accepted) {
    await t.step(`openShiftMatchImagesProblem() accepts ${pattern}`, () => {
      assertEquals(openShiftMatchImagesProblem([pattern]), undefined);
    });
  }
  const refused = [
    "reg!stry.io",
    "Registry.COM",
    "registry.io/PaTh",
    "registry.io:8080/pa*th",
    "example.app*.com",
    "*-good.kubernetes.io",
    "a..b",
    "-a.io",
    "[::1]:5000",
    "my_registry.io",
  ];
  for (const pattern of refused) {
    await t.step(`openShiftMatchImagesProblem() refuses ${pattern}`, () => {
      assertEquals(
        openShiftMatchImagesProblem([pattern]),
        `${
          JSON.stringify(pattern)
        } must be a valid fully qualified domain name in lowercase with optional wildcard, port, and path`,
      );
    });
  }
  const lists: readonly [string, string[], string][] = [
    ["the global wildcard", ["*"], "the global wildcard '*' is not allowed"],
    ["no pattern", [], "at least one pattern is required"],
    [
      "51 patterns",
      Array.from({ length: 51 }, (_, i) => `r${i}.io`),
      "at most 50 patterns are allowed",
    ],
    ["a repeated pattern", ["a.io", "a.io"], '"a.io" is given twice'],
    [
      "513 characters",
      [`a.io/${"x".repeat(508)}`],
      `"a.io/${"x".repeat(508)}" is longer than 512 characters`,
    ],
  ];
  for (const [name, patterns, problem] of lists) {
    await t.step(`openShiftMatchImagesProblem() refuses ${name}`, () => {
      assertEquals(openShiftMatchImagesProblem(patterns), problem);
    });
  }
});

Deno.test("scopeIsNestedInsideScope() is openshift/runtime-utils' overlap rule", async (t) => {
  const rows: readonly [string, string, boolean][] = [
    ["gcr.io", "gcr.io", true],
    ["quay.io/org/app", "quay.io/org", true],
    ["quay.io/orgx", "quay.io/org", false],
    ["myreg.azurecr.io", "*.azurecr.io", true],
    ["a.b.azurecr.io/x", "*.azurecr.io", true],
    ["myreg.azurecr.io:5000", "*.azurecr.io", true],
    ["quay/bar.azurecr.io:5000", "*.azurecr.io", false],
    ["azurecr.io", "*.azurecr.io", false],
    // Wildcards in the middle are literal for the operator: ECR registries are missed.
    ["123.dkr.ecr.us-east-1.amazonaws.com", "*.dkr.ecr.*.amazonaws.com", false],
  ];
  for (const [sub, scope, expected] of rows) {
    await t.step(`scopeIsNestedInsideScope() ${sub} in ${scope}`, () => {
      assertEquals(scopeIsNestedInsideScope(sub, scope), expected);
    });
  }
});
