/**
 * @module The fast half of `parsePurl` (purl.ts): the plain purls every catalog writes
 * ("pkg:golang/github.com/x/y@v1.2.3", "pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12";
 * "pkg:npm/%40scope/name@1.0.0" is not one) are split here with the same result packageurl-js
 * gives, at a fraction of its cost (packageurl-js takes some 40 µs a purl through WHATWG URL
 * parsing, and every OS package of an inventory has qualifiers); anything else goes to
 * packageurl-js. `plain-purl.test.ts` holds the two to the same answers.
 * @see https://github.com/package-url/purl-spec/blob/main/PURL-SPECIFICATION.rst
 */
import type { PurlParts } from './purl.js';

/**
 * Characters of a plain purl after "pkg:": letters, digits and `. _ ~ + - / @ :`. None of them
 * is percent-encoded, trimmed, or changed by URL parsing, and none starts qualifiers (?) or a
 * subpath (#).
 */
const PLAIN = /^[a-z][a-z0-9.+-]*\/[A-Za-z0-9._~+/@:-]+$/;

/**
 * Plain qualifiers: lower-case keys that start with a letter, values of characters that
 * URLSearchParams and percent-decoding leave as they are ('+' would become a space), non-empty
 * and without spaces to trim. packageurl-js reads these as they are written.
 */
const PLAIN_QUALIFIER = /^([a-z][a-z0-9._-]*)=([A-Za-z0-9._~:-]+)$/;

/** The qualifiers after '?', when all are plain and no key repeats (packageurl-js keeps the last). */
function plainQualifiers(query: string): Record<string, string> | undefined {
  const qualifiers: Record<string, string> = {};
  for (const pair of query.split('&')) {
    const match = PLAIN_QUALIFIER.exec(pair);
    if (!match || Object.hasOwn(qualifiers, match[1]!)) return undefined;
    qualifiers[match[1]!] = match[2]!;
  }
  return qualifiers;
}

/** SemVer 2.0, as packageurl-js checks a golang version that starts with "v". */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** What packageurl-js does to a type's namespace and name: lower-cases them (and PyPI's '_' → '-'). */
const lowered: Readonly<Record<string, { namespace: boolean; name: boolean; dashes?: boolean }>> = {
  apk: { namespace: true, name: true },
  composer: { namespace: true, name: true },
  deb: { namespace: true, name: true },
  npm: { namespace: true, name: true },
  pypi: { namespace: true, name: true, dashes: true },
  rpm: { namespace: true, name: false },
};

/** Types whose only rules are the ones above (or none), so a plain purl of them is read here. */
const plainTypes = new Set(['apk', 'composer', 'deb', 'npm', 'pypi', 'rpm', 'golang', 'maven', 'cargo', 'gem', 'nuget']);

/**
 * The parts of a plain purl, exactly as packageurl-js gives them (`parsePurlWithPackageUrl`); undefined when the purl is not
 * plain (encoded characters, qualifiers that are not plain, a subpath, another type, or anything to reject).
 */
export function parsePlainPurl(purl: string): PurlParts | undefined {
  if (!purl.startsWith('pkg:')) return undefined;
  const question = purl.indexOf('?');
  const rest = purl.slice(4, question === -1 ? purl.length : question);
  if (!PLAIN.test(rest)) return undefined;
  const qualifiers = question === -1 ? undefined : plainQualifiers(purl.slice(question + 1));
  if (question !== -1 && qualifiers === undefined) return undefined;
  const slash = rest.indexOf('/');
  const type = rest.slice(0, slash);
  if (!plainTypes.has(type)) return undefined;
  const at = rest.lastIndexOf('@');
  // An '@' right after a '/' is part of the name (an unencoded npm scope): not plain.
  if (at !== -1 && (at <= slash + 1 || rest.charCodeAt(at - 1) === 47)) return undefined;
  const path = rest.slice(slash + 1, at === -1 ? rest.length : at);
  const version = at === -1 ? undefined : rest.slice(at + 1);
  // Empty segments (a leading, trailing or doubled '/'), an '@' left in the path or an empty
  // version are normalised or rejected by the full parser.
  if (path.startsWith('/') || path.endsWith('/') || path.includes('//') || path.includes('@') || version === '') return undefined;
  const lastSlash = path.lastIndexOf('/');
  let namespace = lastSlash === -1 ? undefined : path.slice(0, lastSlash);
  let name = lastSlash === -1 ? path : path.slice(lastSlash + 1);
  if (type === 'maven' && namespace === undefined) return undefined;
  if (type === 'golang' && version !== undefined && version.startsWith('v') && !SEMVER.test(version.slice(1))) return undefined;
  const rules = lowered[type];
  if (rules) {
    if (rules.namespace && namespace !== undefined) namespace = namespace.toLowerCase();
    if (rules.name) name = name.toLowerCase();
    if (rules.dashes) name = name.replaceAll('_', '-');
  }
  return {
    type,
    ...(namespace ? { namespace } : {}),
    name,
    ...(version ? { version } : {}),
    ...(qualifiers ? { qualifiers } : {}),
  };
}
