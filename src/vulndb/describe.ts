/**
 * @module One vulnerability, however it is named: every advisory that shares an id or alias with
 * the name asked for, merged with NVD, KEV and EPSS into one entry (`vigil db search`).
 */
import type { Advisory, AffectedRange, KevEntry } from '../model/advisory.js';
import type { CvssScore } from '../model/finding.js';
import { parseCvss } from '../scoring/cvss.js';
import type { VulnDbReader } from './reader.js';

export interface VulnerabilityEntry {
  id: string;
  aliases: string[];
  /** The advisories the entry merges, by id. */
  advisories: string[];
  summary: string | null;
  details: string | null;
  published: string | null;
  modified: string | null;
  withdrawn: string | null;
  cvss: CvssScore[];
  cwes: string[];
  epss: { score: number; percentile: number } | null;
  kev: Pick<KevEntry, 'dateAdded' | 'dueDate' | 'requiredAction' | 'knownRansomwareCampaignUse'> | null;
  references: string[];
  affected: Array<{ ecosystem: string; name: string; ranges: AffectedRange[]; versions: string[]; advisory: string }>;
}

const idOrder = (a: string, b: string) => Number(b.startsWith('CVE-')) - Number(a.startsWith('CVE-')) || (a < b ? -1 : a > b ? 1 : 0);

/** Undefined when nothing in the database knows the id. */
export function describeVulnerability(reader: VulnDbReader, id: string): VulnerabilityEntry | undefined {
  const wanted = id.trim();
  // Two hops: the advisories naming the id, then those naming any of their ids (GO- → CVE → GHSA).
  const advisories = new Map<string, Advisory>();
  for (const first of reader.resolve(wanted)) {
    advisories.set(first.id, first);
    for (const alias of first.aliases) for (const second of reader.resolve(alias)) advisories.set(second.id, second);
  }
  const ids = new Set<string>([wanted]);
  for (const advisory of advisories.values()) {
    ids.add(advisory.id);
    for (const alias of advisory.aliases) ids.add(alias);
  }
  const cveId = [...ids].filter((i) => i.startsWith('CVE-')).sort()[0];
  const cve = cveId ? reader.cve(cveId) : undefined;
  const kev = cveId ? reader.kev(cveId) : undefined;
  const epss = cveId ? reader.epss(cveId) : undefined;
  if (advisories.size === 0 && !cve && !kev && !epss) return undefined;
  const list = [...advisories.values()].sort((a, b) => idOrder(a.id, b.id));
  const cvss: CvssScore[] = [];
  const addVector = (vector: string, source: string) => {
    const parsed = parseCvss(vector);
    if (parsed && !cvss.some((c) => c.vector === parsed.vector && c.source === source)) {
      cvss.push({ version: parsed.version, vector: parsed.vector, baseScore: parsed.baseScore, source });
    }
  };
  for (const advisory of list) {
    for (const entry of advisory.severity) if (entry.type.startsWith('CVSS')) addVector(entry.score, advisory.id);
    for (const affected of advisory.affected) for (const entry of affected.severity) if (entry.type.startsWith('CVSS')) addVector(entry.score, `${advisory.id} (${affected.ecosystem})`);
  }
  for (const metric of cve?.cvss ?? []) addVector(metric.vector, metric.source);
  const preferred = [...ids].sort(idOrder)[0]!;
  const first = list[0];
  return {
    id: preferred,
    aliases: [...ids].filter((i) => i !== preferred).sort(),
    advisories: list.map((a) => a.id),
    summary: list.find((a) => a.summary)?.summary ?? null,
    details: list.find((a) => a.details)?.details ?? cve?.description ?? null,
    published: first?.published ?? cve?.published ?? null,
    modified: first?.modified ?? cve?.lastModified ?? null,
    withdrawn: list.length > 0 && list.every((a) => a.withdrawn) ? list[0]!.withdrawn! : null,
    cvss,
    cwes: [...new Set([...list.flatMap((a) => a.cwes), ...(cve?.cwes ?? []), ...(kev?.cwes ?? [])])].sort(),
    epss: epss ? { score: epss.score, percentile: epss.percentile } : null,
    kev: kev
      ? {
          dateAdded: kev.dateAdded,
          ...(kev.dueDate ? { dueDate: kev.dueDate } : {}),
          ...(kev.requiredAction ? { requiredAction: kev.requiredAction } : {}),
          ...(kev.knownRansomwareCampaignUse ? { knownRansomwareCampaignUse: kev.knownRansomwareCampaignUse } : {}),
        }
      : null,
    references: [...new Set([...list.flatMap((a) => a.references.map((r) => r.url)), ...(cve?.references.map((r) => r.url) ?? [])])],
    affected: list.flatMap((a) =>
      a.affected.map((affected) => ({ ecosystem: affected.ecosystem, name: affected.name, ranges: affected.ranges, versions: affected.versions, advisory: a.id })),
    ),
  };
}
