/**
 * @module Where matching finds the advisories that may concern a package: every (ecosystem, name)
 * an inventory looks up is read from the vulnerability database at once, in batches, and then
 * served from memory. Only the advisories that apply are read whole, afterwards.
 */
import type { Advisory } from '../model/advisory.js';
import { normalizePackageName } from '../model/ecosystem.js';
import type { AdvisoryRecord, AffectedCandidate, VulnDbReader } from '../vulndb/reader.js';
import type { EcosystemQuery } from './distro/index.js';

export interface CandidateSource {
  /**
   * The candidates of one name under one query, ordered by advisory id, then ecosystem. An
   * any-release query ("Red Hat" with `accept`) gathers every release ecosystem it accepts.
   */
  lookup(query: EcosystemQuery, name: string): readonly AffectedCandidate[];
  /** The records of these advisories, without their `affected` lists (ids the database lacks are absent). */
  advisories(ids: Iterable<string>): Map<string, AdvisoryRecord>;
}

export interface WantedLookup {
  query: EcosystemQuery;
  names: readonly string[];
}

const byAdvisoryThenEcosystem = (a: AffectedCandidate, b: AffectedCandidate) =>
  a.advisoryId < b.advisoryId ? -1 : a.advisoryId > b.advisoryId ? 1 : a.ecosystem < b.ecosystem ? -1 : a.ecosystem > b.ecosystem ? 1 : 0;

/** Reads the candidates of every wanted lookup, one batch per ecosystem. */
export function candidateSource(reader: VulnDbReader, wanted: Iterable<WantedLookup>): CandidateSource {
  if (typeof (reader as Partial<VulnDbReader>).candidatesIn !== 'function') return perPackageSource(reader);
  const releasesByQuery = new Map<EcosystemQuery, readonly string[]>();
  /** The release ecosystems of an any-release query's base that it accepts. */
  const releases = (query: EcosystemQuery): readonly string[] => {
    let list = releasesByQuery.get(query);
    if (!list) releasesByQuery.set(query, (list = reader.releasesOf(query.ecosystem).filter((ecosystem) => query.accept!(ecosystem))));
    return list;
  };
  const names = new Map<string, string[]>();
  const want = (ecosystem: string, more: readonly string[]) => {
    let list = names.get(ecosystem);
    if (!list) names.set(ecosystem, (list = []));
    for (const name of more) list.push(name);
  };
  for (const { query, names: more } of wanted) {
    if (query.accept) for (const ecosystem of releases(query)) want(ecosystem, more);
    else want(query.ecosystem, more);
  }
  const found = new Map<string, Map<string, readonly AffectedCandidate[]>>();
  for (const [ecosystem, list] of names) found.set(ecosystem, reader.candidatesIn(ecosystem, list));
  const exact = (ecosystem: string, name: string): readonly AffectedCandidate[] =>
    found.get(ecosystem)?.get(normalizePackageName(ecosystem, name)) ?? reader.candidatesFor(ecosystem, name);
  return {
    lookup: (query, name) =>
      query.accept
        ? releases(query).flatMap((ecosystem) => exact(ecosystem, name)).sort(byAdvisoryThenEcosystem)
        : exact(query.ecosystem, name),
    advisories: (ids) => reader.recordsById(ids),
  };
}

/**
 * For a reader that answers only package by package with whole advisories (`advisoriesFor`,
 * `advisoriesForAnyRelease`), such as a test's stand-in: each advisory's entries for the package
 * are picked out here.
 */
function perPackageSource(reader: Pick<VulnDbReader, 'advisoriesFor' | 'advisoriesForAnyRelease'>): CandidateSource {
  const read = new Map<string, Advisory>();
  const candidate = (ecosystem: string, name: string, advisory: Advisory): AffectedCandidate => {
    read.set(advisory.id, advisory);
    const key = normalizePackageName(ecosystem, name);
    const entries = advisory.affected.filter((a) => a.ecosystem === ecosystem && normalizePackageName(ecosystem, a.name) === key);
    return { advisoryId: advisory.id, ecosystem, entries };
  };
  return {
    lookup: (query, name) =>
      query.accept
        ? reader
            .advisoriesForAnyRelease(query.ecosystem, name)
            .filter((hit) => query.accept!(hit.ecosystem))
            .map((hit) => candidate(hit.ecosystem, name, hit.advisory))
        : reader.advisoriesFor(query.ecosystem, name).map((advisory) => candidate(query.ecosystem, name, advisory)),
    advisories: (ids) => new Map([...ids].flatMap((id) => (read.has(id) ? [[id, read.get(id)!] as const] : []))),
  };
}
