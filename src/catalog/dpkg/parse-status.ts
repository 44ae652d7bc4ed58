/**
 * @module Parses dpkg's status database into packages, keeping the source package for matching.
 * @see https://man7.org/linux/man-pages/man1/dpkg-query.1.html
 */
import type { Distro } from '../../model/distro.js';
import type { ParsedPackage } from '../../model/package.js';
import { buildPurl, distroQualifier } from '../../model/purl.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { parseParagraphs } from '../deb822.js';

/**
 * Package states whose files are on disk. "installed" is the normal state; the two trigger states
 * are installed packages with a trigger still to run (a transient state after apt runs), so a
 * vulnerable library in them is present all the same. "config-files", "not-installed",
 * "half-installed", "unpacked" and "half-configured" are left out, as dpkg itself does not count
 * them as installed.
 */
const installedStates = new Set(['installed', 'triggers-pending', 'triggers-awaited']);

/** Debian-family distributions whose purl namespace is their own ID. */
function debNamespace(distro: Distro | undefined): string {
  if (!distro) return 'debian';
  if (distro.id === 'debian' || distro.id === 'ubuntu' || distro.idLike.includes('debian') || distro.idLike.includes('ubuntu')) {
    return distro.id;
  }
  return 'debian';
}

/** "openssl (3.0.11-1~deb12u2)" or "openssl" */
export function parseSourceField(value: string): { name: string; version?: string } | undefined {
  const match = /^([^\s(]+)(?:\s*\(([^)\s]+)\))?\s*$/.exec(value.trim());
  if (!match) return undefined;
  return match[2] ? { name: match[1]!, version: match[2] } : { name: match[1]! };
}

export function parseDpkgStatusText(text: string, ctx: Pick<CatalogContext, 'skip' | 'distro'>): ParsedPackage[] {
  const packages: ParsedPackage[] = [];
  for (const paragraph of parseParagraphs(text)) {
    const { fields } = paragraph;
    const name = fields.get('Package');
    if (!name) {
      ctx.skip(`record at line ${paragraph.line} has no Package field`);
      continue;
    }
    const status = fields.get('Status');
    // Distroless status.d files carry no Status field: every file there is an installed package.
    if (status !== undefined) {
      const state = status.split(/\s+/)[2];
      if (!state || !installedStates.has(state)) continue;
    }
    const version = fields.get('Version');
    if (!version) {
      ctx.skip(`package ${name} (line ${paragraph.line}) has no Version field`);
      continue;
    }
    const arch = fields.get('Architecture') || undefined;
    const sourceField = fields.get('Source');
    let source: { name: string; version: string };
    if (sourceField) {
      const parsed = parseSourceField(sourceField);
      if (!parsed) {
        ctx.skip(`package ${name} (line ${paragraph.line}) has a malformed Source field "${sourceField}"`);
        continue;
      }
      source = { name: parsed.name, version: parsed.version ?? version };
    } else {
      source = { name, version };
    }
    const upstream =
      source.name === name && source.version === version
        ? undefined
        : source.version === version
          ? source.name
          : `${source.name}@${source.version}`;
    const metadata: Record<string, string | number> = {};
    const maintainer = fields.get('Maintainer');
    if (maintainer) metadata.maintainer = maintainer;
    const installedSize = Number(fields.get('Installed-Size'));
    if (Number.isFinite(installedSize) && fields.has('Installed-Size')) metadata.installedSizeKiB = installedSize;
    const multiArch = fields.get('Multi-Arch');
    if (multiArch) metadata.multiArch = multiArch;
    packages.push({
      name,
      version,
      type: 'deb',
      purl: buildPurl({
        type: 'deb',
        namespace: debNamespace(ctx.distro),
        name,
        version,
        qualifiers: { arch, distro: distroQualifier(ctx.distro), upstream },
      }),
      ...(arch ? { arch } : {}),
      source,
      ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    });
  }
  return packages;
}

export async function parseDpkgStatus(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  // status.d holds "<package>" files beside "<package>.md5sums" lists; only the former are records.
  if (file.path.includes('/status.d/') && /\.(md5sums|list|conffiles)$/.test(file.path)) return [];
  return parseDpkgStatusText(await file.text(), ctx);
}
