/**
 * `vigil db` and `vigil scan` as a user runs them (the built binary): import, status, search,
 * update from a local mirror with a resumed download, and the scan gate's exit statuses.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCycloneDxValidators, cycloneDxSchemasPresent, schemaErrors } from '../harness/cyclonedx-schema.js';
import { fixtureAdvisories } from '../harness/vulndb.js';
import { writeCycloneDx } from '../../src/sbom/cyclonedx/write.js';
import type { Inventory } from '../../src/model/inventory.js';

const bin = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

function vigil(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function vigilAsync(args: string[], env: Record<string, string> = {}) {
  const { spawn } = await import('node:child_process');
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const inventory: Inventory = {
  target: { kind: 'directory', name: 'app', path: '/app' },
  distro: { id: 'debian', versionId: '12', codename: 'bookworm', idLike: [], source: '/etc/os-release' },
  packages: [
    { name: 'lodash', version: '4.17.20', type: 'npm', ecosystem: 'npm', purl: 'pkg:npm/lodash@4.17.20', locations: [{ path: '/app/package-lock.json' }], foundBy: 'npm-lockfile' },
    { name: 'jinja2', version: '3.1.2', type: 'pypi', ecosystem: 'PyPI', purl: 'pkg:pypi/jinja2@3.1.2', locations: [{ path: '/app/requirements.txt' }], foundBy: 'python-requirements' },
    {
      name: 'libssl3',
      version: '3.0.11-1~deb12u1',
      type: 'deb',
      purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl',
      source: { name: 'openssl', version: '3.0.11-1~deb12u1' },
      arch: 'amd64',
      locations: [{ path: '/var/lib/dpkg/status' }],
      foundBy: 'dpkg',
    },
  ],
  warnings: [],
  catalogers: [],
  createdAt: '2026-11-01T00:00:00.000Z',
  tool: { name: 'vigil', version: 'test' },
};

describe('vigil db and vigil scan (the built command)', () => {
  let work: string;
  let db: string;
  let sbom: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'vigil-scan-cli-'));
    db = join(work, 'vulndb.sqlite');
    writeFileSync(join(work, 'advisories.json'), JSON.stringify(fixtureAdvisories()));
    sbom = join(work, 'app.cdx.json');
    writeFileSync(sbom, writeCycloneDx(inventory, '1.6'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('imports a feed and reports what it did', () => {
    const result = vigil(['db', '--db', db, 'import', join(work, 'advisories.json')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^osv .*advisories\.json: 12 records \(12 new, 0 changed, 0 unchanged\), 0 rejected$/m);
    const status = JSON.parse(vigil(['db', '--db', db, 'status', '--json']).stdout);
    expect(status).toMatchObject({ advisories: 11, withdrawn: 1 });
    expect(status.byEcosystem).toMatchObject({ 'Debian:12': 2, npm: 2, PyPI: 1 });
  });

  it('finds an entry by any of its ids, and says plainly when it has none', () => {
    const found = vigil(['db', '--db', db, 'search', 'GHSA-jfh8-c2jp-5v3q']);
    expect(found.code).toBe(0);
    expect(found.stdout.split('\n')[0]).toBe('CVE-2021-44228 (also GHSA-jfh8-c2jp-5v3q)');
    expect(found.stdout).toContain('CVSS 3.1 10.0 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H');
    expect(found.stdout).toContain('Maven org.apache.logging.log4j:log4j-core: ECOSYSTEM introduced 2.13.0, fixed 2.15.0');
    const missing = vigil(['db', '--db', db, 'search', 'CVE-1999-0001']);
    expect(missing).toMatchObject({ code: 1, stdout: 'CVE-1999-0001 is not in the database\n' });
  });

  it('scans an SBOM: JSON findings and a summary', () => {
    const result = vigil(['scan', sbom, '--db', db, '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.os).toEqual({ id: 'debian', version: '12' });
    expect(report.findings.map((f: { vulnerabilityId: string; package: { name: string } }) => `${f.vulnerabilityId} ${f.package.name}`).sort()).toEqual([
      'CVE-2021-23337 lodash',
      'CVE-2023-5363 libssl3',
      'CVE-2024-22195 jinja2',
    ]);
    const ssl = report.findings.find((f: { package: { name: string } }) => f.package.name === 'libssl3');
    expect(ssl).toMatchObject({ fixedInVersion: '3.0.11-1~deb12u2', remediation: "apt-get install --only-upgrade 'libssl3=3.0.11-1~deb12u2'", fixAvailable: 'YES' });
    expect(report.summary).toMatchObject({ HIGH: 1, MEDIUM: 1, UNTRIAGED: 1 });
  });

  it('gates: exit 1 on --fail-on and --fail-on-count, 0 when ignored, and an expired ignore applies no more', () => {
    expect(vigil(['scan', sbom, '--db', db, '--fail-on', 'high', '--quiet']).code).toBe(1);
    expect(vigil(['scan', sbom, '--db', db, '--fail-on', 'critical', '--quiet']).code).toBe(0);
    expect(vigil(['scan', sbom, '--db', db, '--fail-on-count', 'high=0', '--quiet']).code).toBe(1);
    expect(vigil(['scan', sbom, '--db', db, '--fail-on-count', 'high=1,medium=1', '--quiet']).code).toBe(0);
    const ignore = join(work, 'ignore.yaml');
    writeFileSync(ignore, '- id: GHSA-35jh-r3h4-6jhm\n  reason: lodash template is never called with user input\n');
    expect(vigil(['scan', sbom, '--db', db, '--fail-on', 'high', '--ignore-file', ignore, '--quiet']).code).toBe(0);
    writeFileSync(ignore, '- id: CVE-2021-23337\n  reason: accepted until the upgrade\n  expires: 2020-01-01\n');
    const expired = vigil(['scan', sbom, '--db', db, '--fail-on', 'high', '--ignore-file', ignore]);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('the ignore rule for CVE-2021-23337 expired on 2020-01-01');
    writeFileSync(ignore, '- id: CVE-2021-23337\n');
    expect(vigil(['scan', sbom, '--db', db, '--ignore-file', ignore])).toMatchObject({ code: 2, stderr: expect.stringMatching(/has no reason\n$/) });
  });

  it('leaves out unfixed findings when asked', () => {
    const all = JSON.parse(vigil(['scan', sbom, '--db', db, '--format', 'json']).stdout);
    const fixed = JSON.parse(vigil(['scan', sbom, '--db', db, '--format', 'json', '--ignore-unfixed']).stdout);
    expect(fixed.findings.length).toBe(all.findings.filter((f: { fixAvailable: string }) => f.fixAvailable !== 'NO').length);
  });

  it('writes a table with a summary line, SARIF 2.1.0 and a CycloneDX document with vulnerabilities', () => {
    const table = vigil(['scan', sbom, '--db', db]);
    expect(table.stdout).toMatch(/^HIGH \(1\)$/m);
    expect(table.stdout.trimEnd().split('\n').at(-1)).toBe('3 findings: 0 critical, 1 high, 1 medium, 0 low, 0 informational, 1 untriaged');
    const sarif = JSON.parse(vigil(['scan', sbom, '--db', db, '--format', 'sarif']).stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(3);
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id).sort()).toEqual(['CVE-2021-23337', 'CVE-2023-5363', 'CVE-2024-22195']);
    const bom = JSON.parse(vigil(['scan', sbom, '--db', db, '--format', 'cyclonedx-json']).stdout);
    expect(bom.vulnerabilities).toHaveLength(3);
    for (const vulnerability of bom.vulnerabilities) expect(vulnerability.affects.length).toBeGreaterThan(0);
    if (cycloneDxSchemasPresent) expect(schemaErrors(buildCycloneDxValidators()['1.6'], bom)).toEqual([]);
  });

  it('fails with one line when there is no database', () => {
    const result = vigil(['scan', sbom, '--db', join(work, 'none.sqlite')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^vigil: no vulnerability database at .*none\.sqlite: run "vigil db import PATH\.\.\." or "vigil db update" first\n$/);
  });

  describe('vigil db update from a mirror', () => {
    let server: Server;
    let port: number;
    let cutFirst = true;
    const kev = JSON.stringify({
      title: 'CISA Catalog of Known Exploited Vulnerabilities',
      catalogVersion: '2026.11.01',
      dateReleased: '2026-11-01T00:00:00.000Z',
      count: 1,
      vulnerabilities: [
        {
          cveID: 'CVE-2021-44228',
          vendorProject: 'Apache',
          product: 'Log4j2',
          vulnerabilityName: 'Apache Log4j2 Remote Code Execution Vulnerability',
          dateAdded: '2021-12-10',
          shortDescription: 'JNDI lookups can be abused.',
          requiredAction: 'Apply updates per vendor instructions.',
          dueDate: '2021-12-24',
          knownRansomwareCampaignUse: 'Known',
          notes: '',
          cwes: ['CWE-20', 'CWE-400', 'CWE-502'],
        },
      ],
    }).padEnd(64 * 1024, ' ');
    const ranges: string[] = [];
    const nvdRequests: number[] = [];
    let nvdFailedOnce = false;
    const nvdCve = (id: string, vector: string, score: number) => ({
      id,
      sourceIdentifier: 'cve@mitre.org',
      published: '2021-12-10T10:15:09.143',
      lastModified: '2025-02-04T14:25:34.527',
      vulnStatus: 'Analyzed',
      descriptions: [{ lang: 'en', value: `${id} description` }],
      metrics: { cvssMetricV31: [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '3.1', vectorString: vector, baseScore: score } }] },
      weaknesses: [{ source: 'nvd@nist.gov', type: 'Primary', description: [{ lang: 'en', value: 'CWE-502' }] }],
      references: [{ url: `https://nvd.nist.gov/vuln/detail/${id}`, source: 'nvd@nist.gov' }],
    });

    beforeAll(async () => {
      server = createServer((request, response) => {
        const nvdPage = /^\/nvd\/cves\/2\.0\?startIndex=(\d+)&resultsPerPage=2000$/.exec(request.url ?? '');
        if (nvdPage) {
          nvdRequests.push(Number(nvdPage[1]));
          // The second page fails once, as an overloaded API does; a rerun must not fetch page one again.
          if (nvdPage[1] === '2000' && !nvdFailedOnce) {
            nvdFailedOnce = true;
            response.writeHead(503).end();
            return;
          }
          const cve = nvdPage[1] === '0' ? nvdCve('CVE-2021-44228', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10) : nvdCve('CVE-2021-23337', 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', 7.2);
          response.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({ resultsPerPage: 1, startIndex: Number(nvdPage[1]), totalResults: 4000, format: 'NVD_CVE', version: '2.0', timestamp: '2026-11-01T00:00:00.000', vulnerabilities: [{ cve }] }),
          );
          return;
        }
        if (request.url !== '/kev/known_exploited_vulnerabilities.json') {
          response.writeHead(404).end();
          return;
        }
        const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
        ranges.push(request.headers.range ?? '');
        const start = range ? Number(range[1]) : 0;
        const body = Buffer.from(kev).subarray(start);
        response.writeHead(range ? 206 : 200, { 'content-length': body.length, ...(range ? { 'content-range': `bytes ${start}-${kev.length - 1}/${kev.length}` } : {}) });
        if (cutFirst) {
          // The first download breaks off half way, as a dropped connection does.
          cutFirst = false;
          // (The pause lets the client store what it got before the connection drops.)
          response.write(body.subarray(0, body.length >> 1), () => setTimeout(() => response.destroy(), 300));
          return;
        }
        response.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => server.close());

    it('resumes a broken download and imports it', async () => {
      const home = join(work, 'home');
      const env = { VIGIL_HOME: home };
      const args = ['db', '--db', db, 'update', '--source', 'kev', '--mirror', `http://127.0.0.1:${port}`];
      const broken = await vigilAsync(args, env);
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/^vigil: the download of .* (was cut off|stopped at)/);
      const resumed = await vigilAsync(args, env);
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      expect(ranges[0]).toBe('');
      expect(ranges[1]).toMatch(/^bytes=\d+-$/);
      expect(resumed.stdout).toMatch(/^kev .*: 1 records/m);
      expect(readFileSync(join(home, 'downloads/kev.json'), 'utf8')).toBe(kev);
    });

    it('pages through the NVD API, continuing after a failed page without fetching the first again', async () => {
      const env = { VIGIL_HOME: join(work, 'home-nvd') };
      const args = ['db', '--db', db, 'update', '--source', 'nvd', '--mirror', `http://127.0.0.1:${port}`];
      const failed = await vigilAsync(args, env);
      expect(failed.code).toBe(2);
      expect(failed.stderr).toMatch(/answered 503/);
      const resumed = await vigilAsync(args, env);
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      expect(nvdRequests).toEqual([0, 2000, 2000]);
      expect(resumed.stdout).toMatch(/^nvd .*page-0000000\.json: 1 records/m);
      const entry = JSON.parse(vigil(['db', '--db', db, 'search', 'CVE-2021-23337', '--json']).stdout);
      expect(entry.cvss).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'nvd@nist.gov', baseScore: 7.2, version: '3.1' })]));
    });

    it('says what to do when the network is not there', async () => {
      const result = await vigilAsync(['db', '--db', db, 'update', '--source', 'kev', '--mirror', 'http://127.0.0.1:9'], { VIGIL_HOME: join(work, 'home2') });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^vigil: cannot reach 127\.0\.0\.1:9 .*run "vigil db import PATH\.\.\."\n$/);
    });
  });
});
