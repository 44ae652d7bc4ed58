/**
 * @module OSV ecosystem names: their base ("Debian" of "Debian:12") and how each compares package
 * names, so an advisory and an installed package meet under one key.
 * @see https://ossf.github.io/osv-schema/#defined-ecosystems
 */

/** "Debian:12" → "Debian", "Ubuntu:Pro:18.04:LTS" → "Ubuntu", "PyPI" → "PyPI". */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return (colon >= 0 ? ecosystem.slice(0, colon) : ecosystem).trim();
}

/**
 * The form of a package name two records are compared in. Each rule is the ecosystem's own:
 * PyPI per PEP 503; NuGet and Packagist ignore case; the rest compare names exactly.
 */
const nameRules: Record<string, (name: string) => string> = {
  PyPI: (name) => name.toLowerCase().replace(/[-_.]+/g, '-'),
  NuGet: (name) => name.toLowerCase(),
  Packagist: (name) => name.toLowerCase(),
};

export function normalizePackageName(ecosystem: string, name: string): string {
  const rule = nameRules[ecosystemBase(ecosystem)];
  return rule ? rule(name.trim()) : name.trim();
}

/** The lookup key of (ecosystem, name) in the vulnerability database and the inventory index. */
export function packageKey(ecosystem: string, name: string): string {
  return `${ecosystem}\u0000${normalizePackageName(ecosystem, name)}`;
}
