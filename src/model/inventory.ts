/** @module An inventory: everything one target holds, the input to SBOM writers and to matching. */
import type { Distro } from './distro.js';
import type { LayerRef, Package } from './package.js';
import type { Warning } from './warning.js';

export type TargetKind = 'directory' | 'docker-archive' | 'oci-archive' | 'oci-dir' | 'zip' | 'file';

/** The target kinds that are container images. */
export type ImageTargetKind = 'docker-archive' | 'oci-archive' | 'oci-dir';

export function isImageKind(kind: unknown): kind is ImageTargetKind {
  return kind === 'docker-archive' || kind === 'oci-archive' || kind === 'oci-dir';
}

/** What was inventoried. Image and zip targets carry their digests and layers. */
export type TargetDescription =
  | { kind: 'directory'; name: string; path: string }
  /** One file read as itself (a binary, a jar, a wheel), found in the tree at /<its name>. */
  | { kind: 'file'; name: string; path: string; sha256: string }
  | {
      kind: ImageTargetKind;
      name: string;
      path: string;
      /** The image manifest digest (sha256:…). */
      manifestDigest: string;
      /** The image config digest, which is the image ID. */
      imageId: string;
      platform: { os: string; architecture: string; variant?: string };
      layers: LayerRef[];
      /** Repository tags recorded in the archive (docker-archive RepoTags, OCI ref.name annotations). */
      tags: string[];
    }
  | {
      /** A zip archive, read as a function deployment package (under /var/task) with its layers (under /opt). */
      kind: 'zip';
      name: string;
      path: string;
      /** Lower-case hex SHA-256 of the package file. */
      sha256: string;
      /** Index 0 is the package itself, 1..n its layers in order; each digest is sha256:<hex of the zip file>. */
      layers: LayerRef[];
    };

export interface CatalogerRef {
  name: string;
  version: number;
}

export interface Inventory {
  target: TargetDescription;
  distro?: Distro;
  packages: Package[];
  warnings: Warning[];
  catalogers: CatalogerRef[];
  /** When the inventory was taken (ISO 8601). */
  createdAt: string;
  tool: { name: string; version: string };
}
