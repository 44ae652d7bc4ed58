/**
 * @module `vigil scan` as a library: a target (or an SBOM file) → inventory → matches → findings.
 */
import { open as openFile, stat } from 'node:fs/promises';
import type { TakeInventoryOptions } from '../catalog/take-inventory.js';
import type { Finding } from '../model/finding.js';
import type { Inventory, TargetDescription } from '../model/inventory.js';
import type { Warning } from '../model/warning.js';
import { inventoryFindings } from '../match/inventory-findings.js';
import { readSbom } from '../sbom/read.js';
import { parseTargetSpec } from '../source/target-spec.js';
import type { VulnDbReader } from '../vulndb/reader.js';
import { countBySeverity, type SeverityCounts } from './gate.js';

export interface ScanResult {
  target: TargetDescription;
  os: { id: string; version: string | null } | null;
  findings: Finding[];
  warnings: Warning[];
  summary: SeverityCounts;
}

/** SBOMs are JSON documents; anything bigger than this is read as a target, not sniffed. */
const MAX_SBOM_BYTES = 1024 * 1024 * 1024;

/** A JSON file whose first bytes look like a CycloneDX or SPDX document. */
async function looksLikeSbom(path: string): Promise<boolean> {
  let handle;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_SBOM_BYTES) return false;
    handle = await openFile(path, 'r');
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text.startsWith('{') && /"(bomFormat|spdxVersion)"\s*:/.test(text);
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/** The inventory of a target, or of an SBOM file read back. */
export async function inventoryOf(target: string, options: TakeInventoryOptions): Promise<Inventory> {
  const spec = parseTargetSpec(target);
  if (spec.kind === 'auto' && (await looksLikeSbom(spec.path))) {
    const { readFile } = await import('node:fs/promises');
    // Read whole, then decoded at once: one flat string, not decoded chunks joined afterwards.
    return readSbom((await readFile(spec.path)).toString('utf8'), { path: spec.path });
  }
  // The catalogers are loaded only for a target that needs them: an SBOM is read without.
  const { takeInventory } = await import('../catalog/take-inventory.js');
  return takeInventory(spec, options);
}

/**
 * The findings of an inventory: `matchInventory` then `buildFindings`, with what each package
 * gives remembered by the reader, so scanning many inventories on one reader stays cheap.
 */
export function scanInventory(inventory: Inventory, reader: VulnDbReader): ScanResult {
  const { findings, warnings } = inventoryFindings(inventory, reader);
  return {
    target: inventory.target,
    os: inventory.distro ? { id: inventory.distro.id, version: inventory.distro.versionId ?? null } : null,
    findings,
    warnings: [...inventory.warnings, ...warnings],
    summary: countBySeverity(findings),
  };
}
