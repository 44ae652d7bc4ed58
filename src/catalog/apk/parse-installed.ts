/**
 * @module Parses apk's installed database (Alpine, Wolfi, Chainguard) into packages.
 * @see https://wiki.alpinelinux.org/wiki/Apk_spec
 */
import type { Distro } from '../../model/distro.js';
import type { ParsedPackage } from '../../model/package.js';
import { buildPurl, distroQualifier } from '../../model/purl.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';

/** apk-based distributions use their own ID as the purl namespace; anything else is Alpine. */
function apkNamespace(distro: Distro | undefined): string {
  if (distro && (distro.id === 'alpine' || distro.idLike.includes('alpine') || distro.id === 'wolfi' || distro.id === 'chainguard')) {
    return distro.id;
  }
  return 'alpine';
}

interface ApkRecord {
  line: number;
  fields: Map<string, string>;
}

/**
 * The database is a list of blank-line-separated records of "X:value" lines. Keys are one
 * character and repeat for file entries (F, R, a, Z, …), so only the first value of each
 * package-level key is kept.
 */
function splitRecords(text: string): ApkRecord[] {
  const records: ApkRecord[] = [];
  let current: ApkRecord | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '') {
      if (current) records.push(current);
      current = undefined;
      continue;
    }
    current ??= { line: i + 1, fields: new Map() };
    if (line.length < 2 || line[1] !== ':') continue;
    const key = line[0]!;
    if (!current.fields.has(key)) current.fields.set(key, line.slice(2));
  }
  if (current) records.push(current);
  return records;
}

export function parseApkInstalledText(text: string, ctx: Pick<CatalogContext, 'skip' | 'distro'>): ParsedPackage[] {
  const packages: ParsedPackage[] = [];
  for (const record of splitRecords(text)) {
    const name = record.fields.get('P');
    const version = record.fields.get('V');
    if (!name) {
      ctx.skip(`record at line ${record.line} has no P: (name) line`);
      continue;
    }
    if (!version) {
      ctx.skip(`package ${name} (line ${record.line}) has no V: (version) line`);
      continue;
    }
    const arch = record.fields.get('A') || undefined;
    const origin = record.fields.get('o') || undefined;
    const license = record.fields.get('L');
    const metadata: Record<string, string | number> = {};
    const commit = record.fields.get('c');
    if (commit) metadata.commit = commit;
    const maintainer = record.fields.get('m');
    if (maintainer) metadata.maintainer = maintainer;
    const installedSize = Number(record.fields.get('I'));
    if (record.fields.has('I') && Number.isFinite(installedSize)) metadata.installedSize = installedSize;
    const buildTime = Number(record.fields.get('t'));
    if (record.fields.has('t') && Number.isFinite(buildTime)) metadata.buildTime = buildTime;
    packages.push({
      name,
      version,
      type: 'apk',
      purl: buildPurl({
        type: 'apk',
        namespace: apkNamespace(ctx.distro),
        name,
        version,
        qualifiers: { arch, distro: distroQualifier(ctx.distro), upstream: origin && origin !== name ? origin : undefined },
      }),
      ...(arch ? { arch } : {}),
      // The origin is the aport the package was built from; advisories (secdb, OSV) name it.
      source: { name: origin ?? name, version },
      ...(license ? { licenses: [license] } : {}),
      ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    });
  }
  return packages;
}

export async function parseApkInstalled(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parseApkInstalledText(await file.text(), ctx);
}
