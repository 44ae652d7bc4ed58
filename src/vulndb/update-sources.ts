/**
 * @module The public sources `vigil db update` fetches, by name, and where each lives on the
 * internet and under a mirror. Kept apart from the fetching so the command line can name them
 * without loading it.
 */

/** OSV ecosystems fetched by default: the distributions and languages Vigil matches. */
export const defaultOsvEcosystems = [
  'Debian', 'Ubuntu', 'Alpine', 'Rocky Linux', 'AlmaLinux', 'Red Hat', 'SUSE', 'openSUSE', 'Wolfi', 'Chainguard',
  'npm', 'PyPI', 'Go', 'Maven', 'crates.io', 'RubyGems', 'Packagist', 'NuGet',
];

export interface UpdateSource {
  name: string;
  /** Where it lives on the public internet, and under a mirror's base URL. */
  url: string;
  mirrorPath: string;
  file: string;
  /** Sources served in pages (the NVD API) fetch themselves; the rest are one download. */
  paged?: true;
}

function osvSource(ecosystem: string): UpdateSource {
  const path = `${encodeURIComponent(ecosystem)}/all.zip`;
  return {
    name: `osv:${ecosystem}`,
    url: `https://osv-vulnerabilities.storage.googleapis.com/${path}`,
    mirrorPath: `osv/${path}`,
    file: `osv-${ecosystem.replace(/[^A-Za-z0-9.-]+/g, '_')}.zip`,
  };
}

export const updateSources: readonly UpdateSource[] = [
  ...defaultOsvEcosystems.map(osvSource),
  {
    name: 'kev',
    url: 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json',
    mirrorPath: 'kev/known_exploited_vulnerabilities.json',
    file: 'kev.json',
  },
  { name: 'epss', url: 'https://epss.cyentia.com/epss_scores-current.csv.gz', mirrorPath: 'epss/epss_scores-current.csv.gz', file: 'epss.csv.gz' },
  { name: 'nvd', url: 'https://services.nvd.nist.gov/rest/json/cves/2.0', mirrorPath: 'nvd/cves/2.0', file: 'nvd', paged: true },
];
