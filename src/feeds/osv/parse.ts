/**
 * @module Turns one OSV record (parsed JSON or YAML) into an Advisory, or says why it cannot.
 *
 * What is checked is what matching and scoring depend on: the id, `modified`, `withdrawn`,
 * every affected package's ecosystem and name (or a purl to derive them from), every range's type
 * and events, the explicit version lists, and the shape of severity entries. Everything else is
 * read when it is well formed and ignored when it is not; unknown fields are ignored.
 *
 * Deliberately more lenient than the OSV schema (validation/schema.json), because none of it
 * changes what a record matches:
 * - any id (the schema lists known database prefixes; private feeds use their own);
 * - any ecosystem name (the schema enumerates them; an unknown one simply matches nothing);
 * - timestamps with a numeric offset as well as "Z";
 * - GIT events that are not full commit hashes;
 * - severity types other than CVSS_V2/V3/V4 and Ubuntu (kept: distributions add their own), and
 *   CVSS vectors that do not parse (kept: the scorer skips them);
 * - references of an unknown type or without a URL (left out).
 * Stricter than the schema: an affected entry whose package has neither ecosystem+name nor a usable
 * purl is rejected (the schema allows a package-less entry; Vigil cannot match it), unless all its
 * ranges are GIT ranges, in which case the entry is left out (Vigil does not match by commit).
 * @see https://ossf.github.io/osv-schema/
 */
import type {
  Advisory,
  AffectedPackage,
  AffectedRange,
  FeedRejection,
  RangeEvent,
  Reference,
  SeverityEntry,
} from '../../model/advisory.js';
import { parsePurl } from '../../model/purl.js';
import { isNonEmptyString, isObject, optionalString, preview, stringsOf, type JsonObject } from '../values.js';

export type OsvParseResult = { ok: true; advisory: Advisory } | { ok: false; rejection: FeedRejection };

/** OSV's date-time: RFC 3339 with a zone. */
const OSV_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

const RANGE_TYPES = new Set<AffectedRange['type']>(['SEMVER', 'ECOSYSTEM', 'GIT']);
const EVENT_KEYS = new Set(['introduced', 'fixed', 'last_affected', 'limit']);

/** purl types whose OSV ecosystem needs no release suffix, for packages given only by purl. */
const ECOSYSTEM_OF_PURL_TYPE: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
  cargo: 'crates.io',
  gem: 'RubyGems',
  composer: 'Packagist',
  nuget: 'NuGet',
  hex: 'Hex',
  pub: 'Pub',
  hackage: 'Hackage',
  cran: 'CRAN',
  swift: 'SwiftURL',
};

class Invalid extends Error {}

function fail(message: string): never {
  throw new Invalid(message);
}

function parseSeverity(value: unknown, where: string): SeverityEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(`${where} is not an array`);
  return value.map((entry, i) => {
    if (!isObject(entry) || !isNonEmptyString(entry.type) || typeof entry.score !== 'string') {
      fail(`${where}[${i}] needs a string "type" and "score", got ${preview(entry)}`);
    }
    return { type: entry.type, score: entry.score.trim() };
  });
}

function parseEvent(value: unknown, where: string): RangeEvent {
  if (!isObject(value)) fail(`${where} is not an object`);
  const keys = Object.keys(value);
  if (keys.length !== 1 || !EVENT_KEYS.has(keys[0]!)) {
    fail(`${where} must have exactly one of introduced, fixed, last_affected, limit; got ${preview(value)}`);
  }
  const key = keys[0]!;
  const version = value[key];
  if (!isNonEmptyString(version)) fail(`${where}.${key} must be a non-empty string, got ${preview(version)}`);
  return { [key]: version } as RangeEvent;
}

function parseRange(value: unknown, where: string): AffectedRange {
  if (!isObject(value)) fail(`${where} is not an object`);
  const type = value.type;
  if (typeof type !== 'string' || !RANGE_TYPES.has(type as AffectedRange['type'])) {
    fail(`${where}.type must be SEMVER, ECOSYSTEM or GIT, got ${preview(type)}`);
  }
  if (!Array.isArray(value.events) || value.events.length === 0) fail(`${where}.events must be a non-empty array`);
  const events = value.events.map((event, i) => parseEvent(event, `${where}.events[${i}]`));
  if (!events.some((event) => 'introduced' in event)) fail(`${where}.events has no "introduced" event`);
  if (events.some((event) => 'fixed' in event) && events.some((event) => 'last_affected' in event)) {
    fail(`${where}.events mixes "fixed" and "last_affected", which OSV forbids`);
  }
  const range: AffectedRange = { type: type as AffectedRange['type'], events };
  if (type === 'GIT') {
    if (!isNonEmptyString(value.repo)) fail(`${where} is a GIT range without "repo"`);
    range.repo = value.repo;
  } else if (isNonEmptyString(value.repo)) {
    range.repo = value.repo;
  }
  return range;
}

/** Ecosystem and name from the package object, or from its purl when they are missing. */
function packageIdentity(pkg: JsonObject, where: string): { ecosystem: string; name: string; purl?: string } | undefined {
  const purl = optionalString(pkg.purl);
  if (isNonEmptyString(pkg.ecosystem) && isNonEmptyString(pkg.name)) {
    return { ecosystem: pkg.ecosystem.trim(), name: pkg.name.trim(), ...(purl ? { purl } : {}) };
  }
  if (pkg.ecosystem !== undefined && !isNonEmptyString(pkg.ecosystem)) fail(`${where}.package.ecosystem must be a non-empty string`);
  if (pkg.name !== undefined && !isNonEmptyString(pkg.name)) fail(`${where}.package.name must be a non-empty string`);
  if (!purl) return undefined;
  let parts;
  try {
    parts = parsePurl(purl);
  } catch {
    fail(`${where}.package.purl ${preview(purl)} is not a valid purl`);
  }
  const ecosystem = isNonEmptyString(pkg.ecosystem) ? pkg.ecosystem.trim() : ECOSYSTEM_OF_PURL_TYPE[parts.type];
  if (!ecosystem) fail(`${where}.package has no ecosystem and its purl type "${parts.type}" does not name one`);
  const separator = parts.type === 'maven' ? ':' : '/';
  const derived = parts.namespace ? `${parts.namespace}${separator}${parts.name}` : parts.name;
  return { ecosystem, name: isNonEmptyString(pkg.name) ? pkg.name.trim() : derived, purl };
}

function parseAffected(value: unknown, where: string): AffectedPackage | undefined {
  if (!isObject(value)) fail(`${where} is not an object`);
  if (value.ranges !== undefined && value.ranges !== null && !Array.isArray(value.ranges)) fail(`${where}.ranges is not an array`);
  const ranges = ((value.ranges as unknown[] | null | undefined) ?? []).map((range, i) => parseRange(range, `${where}.ranges[${i}]`));
  if (value.versions !== undefined && value.versions !== null) {
    if (!Array.isArray(value.versions) || value.versions.some((v) => typeof v !== 'string')) {
      fail(`${where}.versions must be an array of strings`);
    }
  }
  const versions = stringsOf(value.versions);
  const severity = parseSeverity(value.severity, `${where}.severity`);

  const identity = isObject(value.package) ? packageIdentity(value.package, where) : undefined;
  if (value.package !== undefined && value.package !== null && !isObject(value.package)) fail(`${where}.package is not an object`);
  if (!identity) {
    const gitOnly = ranges.length > 0 && ranges.every((range) => range.type === 'GIT');
    if (gitOnly && (value.package === undefined || value.package === null)) return undefined;
    fail(`${where} names no package (ecosystem and name, or purl)`);
  }
  const affected: AffectedPackage = { ecosystem: identity.ecosystem, name: identity.name, ranges, versions, severity };
  if (identity.purl) affected.purl = identity.purl;
  if (value.ecosystem_specific !== undefined && value.ecosystem_specific !== null) affected.ecosystemSpecific = value.ecosystem_specific;
  if (value.database_specific !== undefined && value.database_specific !== null) affected.databaseSpecific = value.database_specific;
  return affected;
}

function parseReferences(value: unknown): Reference[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((ref): ref is JsonObject => isObject(ref) && isNonEmptyString(ref.type) && isNonEmptyString(ref.url))
    .map((ref) => ({ type: ref.type as string, url: ref.url as string }));
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) fail(`${where} must be an array of strings`);
  return [...new Set(value as string[])];
}

function timestamp(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) fail(`"${field}" is missing`);
    return undefined;
  }
  if (typeof value !== 'string' || !OSV_TIMESTAMP.test(value)) fail(`"${field}" is not an RFC 3339 date-time: ${preview(value)}`);
  return value;
}

/** GHSA writes CWE ids in database_specific.cwe_ids; other databases in their own places (not read). */
function cwesOf(databaseSpecific: unknown): string[] {
  if (!isObject(databaseSpecific)) return [];
  return [...new Set(stringsOf(databaseSpecific.cwe_ids).filter((id) => /^CWE-\d+$/.test(id)))];
}

/**
 * Validates and normalises one OSV record. `origin` names where it was read (a file, an archive
 * entry) and identifies the rejection when the record has no usable id.
 */
export function parseOsvRecord(json: unknown, origin?: string): OsvParseResult {
  const id = isObject(json) && isNonEmptyString(json.id) ? json.id.trim() : undefined;
  try {
    if (!isObject(json)) fail(`an OSV record is a JSON object, got ${preview(json)}`);
    if (!id) fail(`"id" is missing or not a string`);
    const modified = timestamp(json.modified, 'modified', true)!;
    const published = timestamp(json.published, 'published', false);
    const withdrawn = timestamp(json.withdrawn, 'withdrawn', false);
    if (json.affected !== undefined && json.affected !== null && !Array.isArray(json.affected)) fail('"affected" is not an array');
    const affected = ((json.affected as unknown[] | null | undefined) ?? [])
      .map((entry, i) => parseAffected(entry, `affected[${i}]`))
      .filter((entry): entry is AffectedPackage => entry !== undefined);

    const advisory: Advisory = {
      id,
      aliases: stringList(json.aliases, '"aliases"').filter((alias) => alias !== id),
      related: stringList(json.related, '"related"'),
      modified,
      severity: parseSeverity(json.severity, 'severity'),
      affected,
      references: parseReferences(json.references),
      cwes: cwesOf(json.database_specific),
      source: 'osv',
    };
    if (published) advisory.published = published;
    if (withdrawn) advisory.withdrawn = withdrawn;
    const summary = optionalString(json.summary);
    if (summary) advisory.summary = summary;
    const details = optionalString(json.details);
    if (details) advisory.details = details;
    if (isObject(json.database_specific) && isNonEmptyString(json.database_specific.severity)) {
      advisory.databaseSeverity = json.database_specific.severity.trim();
    }
    if (origin) advisory.origin = origin;
    return { ok: true, advisory };
  } catch (error) {
    // Invalid carries the reason; anything else (a hostile value's getter, say) is still one rejection, never a throw.
    const reason = error instanceof Invalid ? error.message : `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, rejection: { id: id ?? origin ?? '(unknown)', reason } };
  }
}
