/**
 * @module A finding's JSON text, exactly as JSON.stringify writes it, made cheaply for the copies
 * of a remembered finding. The service fingerprints every finding a push sees (about 1.5 MB of
 * JSON for 1,500 findings), and matching hands out copies of the findings it remembers per package
 * (match/inventory-findings): a copy holds its source's values but for its package and its
 * fixAvailable (which settling may change). The text around those two is made once per source and
 * reused for as long as the copy still holds the source's values.
 *
 * A copy is known by what it shares with its source: the first entry of its evidence, an object
 * both hold (a copy's arrays are its own, their entries are not). Nothing is recorded per copy,
 * which would cost a scan more than the text saves it; whatever leads to a source, the copy is
 * checked to hold its values before their text is used.
 */
import type { Finding } from './finding.js';

interface JsonTemplate {
  source: Finding;
  /** The source's keys, in their order: a copy must have exactly these, in this order. */
  keys: readonly string[];
  /** The text before fixAvailable's value, between it and the package's, and after the package's. */
  parts: readonly [string, string, string];
  /** The last digest asked of a copy (`findingDigest`), with what it was asked for. */
  lastDigest?: { digest: (json: string) => string; fixAvailable: string; package: Finding['package']; value: string };
}

const FIX_HOLE = '\u0000fixAvailable\u0000';
const PACKAGE_HOLE = '\u0000package\u0000';
const fixHoleText = JSON.stringify(FIX_HOLE);
const packageHoleText = JSON.stringify(PACKAGE_HOLE);

/** Per source finding: its template, or null when its text cannot be cut so (it is then written whole). */
const templates = new WeakMap<Finding, JsonTemplate | null>();
/** Remembered findings by the first entry of their evidence (their template is made when first asked for). */
const sources = new WeakMap<object, Finding>();

function templateOf(source: Finding): JsonTemplate | null {
  let template = templates.get(source);
  if (template !== undefined) return template;
  // Spreading keeps the source's key order; overriding two keys keeps their places.
  const text = JSON.stringify({ ...source, fixAvailable: FIX_HOLE, package: PACKAGE_HOLE });
  const fix = text.indexOf(fixHoleText);
  const pkg = text.indexOf(packageHoleText);
  const once = (at: number, hole: string) => at >= 0 && text.indexOf(hole, at + 1) < 0;
  const keys = Object.keys(source);
  template =
    once(fix, fixHoleText) && once(pkg, packageHoleText) && fix < pkg && keys.every((key) => knownKeys.has(key))
      ? { source, keys, parts: [text.slice(0, fix), text.slice(fix + fixHoleText.length, pkg), text.slice(pkg + packageHoleText.length)] }
      : null;
  templates.set(source, template);
  return template;
}

/** The template of the remembered finding `finding` shares its first evidence entry with, if any. */
function templateOfCopy(finding: Finding): JsonTemplate | null {
  // A caller may have changed the copy every way, this key included (the check below tells).
  const evidence: unknown = finding.evidence;
  const first: unknown = Array.isArray(evidence) ? evidence[0] : undefined;
  const source = typeof first === 'object' && first !== null ? sources.get(first) : undefined;
  return source === undefined ? null : templateOf(source);
}

/**
 * Records a finding that copies will be made of by spreading it and replacing its package (and
 * maybe later their fixAvailable), its entries left shared: `findingJson(copy)` then reuses the
 * text of the rest. The finding must not change afterwards.
 */
export function rememberedFinding(source: Finding): Finding {
  const first: object | undefined = source.evidence[0];
  if (first !== undefined) sources.set(first, source);
  return source;
}

/** An array of the copy's own with the source's entries, or the source's value itself. */
function sameEntries<T>(value: readonly T[], sourceValue: readonly T[]): boolean {
  if (value === sourceValue) return true;
  if (!Array.isArray(value) || value.length !== sourceValue.length) return false;
  for (let i = 0; i < value.length; i++) if (value[i] !== sourceValue[i]) return false;
  return true;
}

/**
 * Whether `finding` still has exactly the template's keys, in order, with the source's values but
 * for the two holes. A copy's arrays are its own (a caller may change them) and are compared entry
 * by entry; an entry that is an object is the source's own, frozen (inventory-findings). Each
 * value is read by its name (a load by a variable key costs more than the rest of this check).
 */
function holdsSourceValues(finding: Finding, template: JsonTemplate): boolean {
  const { keys, source } = template;
  const own = Object.keys(finding);
  if (own.length !== keys.length) return false;
  for (let i = 0; i < own.length; i++) if (own[i] !== keys[i]) return false;
  return (
    finding.vulnerabilityId === source.vulnerabilityId &&
    sameEntries(finding.aliases, source.aliases) &&
    finding.title === source.title &&
    finding.severity === source.severity &&
    finding.score === source.score &&
    finding.scoreSource === source.scoreSource &&
    sameEntries(finding.cvss, source.cvss) &&
    finding.epss === source.epss &&
    finding.kev === source.kev &&
    finding.exploitAvailable === source.exploitAvailable &&
    finding.fixedInVersion === source.fixedInVersion &&
    finding.remediation === source.remediation &&
    sameEntries(finding.references, source.references) &&
    sameEntries(finding.evidence, source.evidence)
  );
}

/** The keys `holdsSourceValues` compares, and the two holes: a source with another key gets no template. */
const knownKeyList = [
  'vulnerabilityId',
  'aliases',
  'title',
  'severity',
  'score',
  'scoreSource',
  'cvss',
  'epss',
  'kev',
  'exploitAvailable',
  'fixAvailable',
  'fixedInVersion',
  'remediation',
  'package',
  'references',
  'evidence',
] as const satisfies ReadonlyArray<keyof Finding>;
// A key added to Finding must be compared above and listed here: this fails to compile until it is.
const everyKeyKnown: Exclude<keyof Finding, (typeof knownKeyList)[number]> extends never ? true : never = true;
void everyKeyKnown;
const knownKeys = new Set<string>(knownKeyList);

/** The template of a copy that still holds its source's values; null for any other finding. */
function templateHeld(finding: Finding): JsonTemplate | null {
  const template = templateOfCopy(finding);
  return template !== null && holdsSourceValues(finding, template) ? template : null;
}

/** A copy's text: its source's around its own fixAvailable and package. */
function copyText({ parts: [before, between, after] }: JsonTemplate, finding: Finding): string {
  return before + JSON.stringify(finding.fixAvailable) + between + JSON.stringify(finding.package) + after;
}

/** `JSON.stringify(finding)`, from its source's text when it is a copy that still holds its values. */
export function findingJson(finding: Finding): string {
  const template = templateHeld(finding);
  return template === null ? JSON.stringify(finding) : copyText(template, finding);
}

/**
 * Whether two values are certain to have one JSON text: the same primitive, or arrays and plain
 * objects of such values with their keys in one order. (False says nothing: an `undefined` member,
 * which JSON leaves out, makes two values differ here that it writes the same.) Cheaper than
 * writing small values: JSON.stringify costs over a microsecond a call, whatever the size.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const keys = Object.keys(a);
  const keysOfB = Object.keys(b);
  if (keys.length !== keysOfB.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key !== keysOfB[i] || !sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * `digest(findingJson(finding))`. A copy's is remembered with its source for the last package and
 * fixAvailable asked about, so that a push of an inventory seen before (most of them) hashes
 * nothing again.
 */
export function findingDigest(finding: Finding, digest: (json: string) => string): string {
  const template = templateHeld(finding);
  if (template === null) return digest(JSON.stringify(finding));
  const last = template.lastDigest;
  if (last !== undefined && last.digest === digest && last.fixAvailable === finding.fixAvailable && sameJson(finding.package, last.package)) return last.value;
  const value = digest(copyText(template, finding));
  template.lastDigest = { digest, fixAvailable: finding.fixAvailable, package: finding.package, value };
  return value;
}
