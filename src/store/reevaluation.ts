/** @module What re-evaluation reads from the store in one go for many locked resources. */
import type { Distro } from '../model/distro.js';
import type { Package } from '../model/package.js';
import type { FindingId, ResourceId } from './ids.js';
import type { FindingStatus } from './records.js';

/** A resource's packages held under some keys, read from the inventory index. */
export interface HeldPackages {
  resourceId: ResourceId;
  /**
   * The packages of the resource's inventory looked up under any of the keys, each once, in
   * inventory order; null when the index cannot say (rows stored before it kept packages, or keys
   * whose packages must not be read alone; see inventory-index.ts): read the whole inventory.
   */
  packages: Package[] | null;
  /** The inventory's distribution (undefined when it has none). */
  distro?: Distro;
}

/** Which package's findings: a resource, a package name as findings store it, and the file that listed it. */
export interface FindingPackageRef {
  resourceId: ResourceId;
  /** Normalised as the finding's ecosystem compares names (as findings keep `packageName`). */
  packageName: string;
  filePath: string;
}

/** A finding without its body: enough to tell which package it belongs to and what it is about. */
export interface FindingOutline {
  id: FindingId;
  resourceId: ResourceId;
  status: FindingStatus;
  vulnerabilityId: string;
  /** Normalised as the finding's ecosystem compares names (as findings keep `packageName`). */
  packageName: string;
  filePath: string;
}
