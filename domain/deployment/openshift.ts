/**
 * OpenShift deployment: where each platform's kubelet reads its credential
 * provider config, the platform's own provider (kept verbatim), and the
 * objects that add this provider:
 *
 * - 4.21: a `MachineConfig` (Ignition 3.5.0, the only version the 4.21–4.22
 *   Machine Config Operator parses) writing the platform's provider file, and
 *   a `MachineConfiguration` node-disruption policy so the change restarts
 *   kubelet instead of rebooting (4.21 has no default policy for that path).
 *   Only AWS, GCP and Azure kubelets run with credential-provider flags on 4.21.
 * - 4.22 (Tech Preview clusters only, `config.openshift.io/v1alpha1`) and 4.23+
 *   (`v1`): the `CRIOCredentialProviderConfig` named `cluster`, which the
 *   operator renders itself.
 *
 * Sources: machine-config-operator `templates/common/<platform>/files/…`,
 * `pkg/controller/template/render.go` `credentialProviderConfigFlag`,
 * `pkg/apihelpers/apihelpers.go`; openshift/api
 * `types_crio_credential_provider_config.go`.
 *
 * @module
 */

import { dataUrl } from "./data_url.ts";
import type { Manifest } from "./rbac.ts";

/** A platform whose 4.21 kubelet reads a credential provider config. */
export interface CloudPlatform {
  /** The config file kubelet's `--image-credential-provider-config` names. */
  readonly file: string;
  /** The platform's provider, as the operator's template writes it (verbatim). */
  readonly providerYaml: string;
  /** The platform provider's `matchImages`, for overlap checks. */
  readonly matchImages: readonly string[];
}

const DIR = "/etc/kubernetes/credential-providers";

/** The cloud platforms (`Infrastructure.status.platformStatus.type`, lower-cased). */
export const CLOUD_PLATFORMS: Readonly<Record<string, CloudPlatform>> = {
  aws: {
    file: `${DIR}/ecr-credential-provider.yaml`,
    providerYaml: `  - name: ecr-credential-provider
    matchImages:
      - "*.dkr.ecr.*.amazonaws.com"
      - "*.dkr.ecr.*.amazonaws.com.cn"
      - "*.dkr.ecr-fips.*.amazonaws.com"
      - "*.dkr.ecr.us-iso-east-1.c2s.ic.gov"
      - "*.dkr.ecr.us-isob-east-1.sc2s.sgov.gov"
    defaultCacheDuration: "12h"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
`,
    matchImages: [
      "*.dkr.ecr.*.amazonaws.com",
      "*.dkr.ecr.*.amazonaws.com.cn",
      "*.dkr.ecr-fips.*.amazonaws.com",
      "*.dkr.ecr.us-iso-east-1.c2s.ic.gov",
      "*.dkr.ecr.us-isob-east-1.sc2s.sgov.gov",
    ],
  },
  azure: {
    file: `${DIR}/acr-credential-provider.yaml`,
    providerYaml: `  - name: acr-credential-provider
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    defaultCacheDuration: "10m"
    matchImages:
      - "*.azurecr.io"
      - "*.azurecr.cn"
      - "*.azurecr.de"
      - "*.azurecr.us"
    args:
      - /etc/kubernetes/cloud.conf
`,
    matchImages: ["*.azurecr.io", "*.azurecr.cn", "*.azurecr.de", "*.azurecr.us"],
  },
  gcp: {
    file: `${DIR}/gcr-credential-provider.yaml`,
    providerYaml: `  - name: gcr-credential-provider
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    matchImages:
      - "gcr.io"
      - "*.gcr.io"
      - "*.pkg.dev"
      - "container.cloud.google.com"
    defaultCacheDuration: "1m"
    args:
      - get-credentials
      - --v=3
`,
    matchImages: ["gcr.io", "*.gcr.io", "*.pkg.dev", "container.cloud.google.com"],
  },
};

/** Platforms whose 4.21 kubelet runs without credential-provider flags. */
export const FLAGLESS_PLATFORMS = [
  "baremetal",
  "vsphere",
  "openstack",
  "nutanix",
  "ovirt",
  "none",
  "external",
  "powervs",
  "kubevirt",
  "libvirt",
] as const;

/**
 * The platform's provider file with `providerYaml` (this provider's entry,
 * indented as a list item under `providers:`) appended.
 */
export function platformProviderFile(platform: CloudPlatform, providerYaml: string): string {
  return "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n" +
    platform.providerYaml + providerYaml;
}

/** Options for {@linkcode machineConfig}. */
export interface MachineConfigOptions {
  readonly name: string;
  /** The MachineConfigPool role. @default "worker" */
  readonly role?: string;
  readonly path: string;
  readonly contents: string;
}

/**
 * A MachineConfig writing one file: Ignition 3.5.0, a data URL by Butane's
 * rule without gzip (`compression: ""`), decimal mode 420 (0644),
 * `overwrite: true`, and the role label.
 *
 * @example
 * ```ts
 * import { machineConfig } from "./openshift.ts";
 * machineConfig({ name: "99-worker-x", path: "/etc/x", contents: "x\n" }).kind; // "MachineConfig"
 * ```
 */
export function machineConfig(options: MachineConfigOptions): Manifest {
  return {
    apiVersion: "machineconfiguration.openshift.io/v1",
    kind: "MachineConfig",
    metadata: {
      labels: { "machineconfiguration.openshift.io/role": options.role ?? "worker" },
      name: options.name,
    },
    spec: {
      config: {
        ignition: { version: "3.5.0" },
        storage: {
          files: [{
            contents: {
              compression: "",
              source: dataUrl(new TextEncoder().encode(options.contents)),
            },
            mode: 420,
            overwrite: true,
            path: options.path,
          }],
        },
      },
    },
  };
}

/**
 * The `MachineConfiguration` named `cluster` whose node-disruption policy
 * restarts kubelet when the credential provider directory changes (4.22+
 * ships this as a default; on 4.21 without it every node drains and reboots).
 */
export function kubeletRestartPolicy(): Manifest {
  return {
    apiVersion: "operator.openshift.io/v1",
    kind: "MachineConfiguration",
    metadata: { name: "cluster" },
    spec: {
      nodeDisruptionPolicy: {
        files: [{
          path: DIR,
          actions: [{ type: "Restart", restart: { serviceName: "kubelet.service" } }],
        }],
      },
    },
  };
}

/**
 * The `CRIOCredentialProviderConfig` singleton: `v1alpha1` on 4.22 (Tech
 * Preview clusters only), `v1` from 4.23.
 *
 * @example
 * ```ts
 * import { crioCredentialProviderConfig } from "./openshift.ts";
 * crioCredentialProviderConfig(["quay.io/org"], { minor: 23 }).apiVersion; // "config.openshift.io/v1"
 * ```
 */
export function crioCredentialProviderConfig(
  matchImages: readonly string[],
  options: { readonly minor: number },
): Manifest {
  return {
    apiVersion: options.minor >= 23 ? "config.openshift.io/v1" : "config.openshift.io/v1alpha1",
    kind: "CRIOCredentialProviderConfig",
    metadata: { name: "cluster" },
    spec: { matchImages },
  };
}
