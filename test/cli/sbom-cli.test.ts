/**
 * The real `vigil` binary (built into dist/ by `npm test`), run as a user runs it: exit codes,
 * one-line errors, output files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wheelFixtures } from '../fixtures/catalog/python-wheel/make-wheels.js';
import { buildJar } from '../harness/zip-builder.js';
import { writeZip, zipFile } from '../harness/zip-writer.js';

const bin = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/catalog/', import.meta.url));

function vigil(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('vigil (the built command)', () => {
  it('prints its version, and lists every command in its help', async () => {
    const { vigilVersion } = await import('../../src/version.js');
    expect(vigil(['--version'])).toEqual({ code: 0, stdout: `${vigilVersion}\n`, stderr: '' });
    const help = vigil(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['sbom', 'scan', 'db', 'server', 'worker', 'keys']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });
});

describe('vigil sbom (the built command)', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'vigil-cli-test-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes CycloneDX 1.6 of a directory to stdout', () => {
    const { code, stdout, stderr } = vigil(['sbom', `${fixtures}dpkg/multiple`, '--quiet']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const bom = JSON.parse(stdout);
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.6');
    const purls = bom.components.map((c: { purl?: string }) => c.purl).filter(Boolean);
    expect(purls).toContain('pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12&upstream=shadow');
  });

  it('writes SPDX 2.3 to a file with --output, and warnings to stderr', () => {
    const out = join(work, 'sbom.spdx.json');
    const { code, stdout, stderr } = vigil(['sbom', `${fixtures}dpkg/multiple`, '--format', 'spdx-json', '--output', out]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^vigil: warning: dpkg: skipped 1 malformed record .*libbroken/)]);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.spdxVersion).toBe('SPDX-2.3');
  });

  it.each([
    [['sbom', '/definitely/not/here'], /^vigil: \/definitely\/not\/here does not exist$/],
    [['sbom', 'docker-archive:'], /^vigil: docker-archive: needs a path after the colon$/],
    [['sbom', '.', '--format', 'xml'], /^error: option .*--format.* argument 'xml' is invalid/],
    [['sbom', '.', '--max-file-size', 'lots'], /^vigil: --max-file-size takes a size such as 512M or 2G, not "lots"$/],
    [['sbom', '.', '--platform', 'amd64'], /^vigil: --platform takes os\/arch\[\/variant\]/],
    [['sbom'], /^error: missing required argument 'target'$/],
  ])('rejects %j with one line and exit status 2', (args, message) => {
    const { code, stdout, stderr } = vigil(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('says plainly when a file is no format it knows', () => {
    const path = join(work, 'notes.txt');
    writeFileSync(path, 'just some text\n');
    const { code, stderr } = vigil(['sbom', path]);
    expect(code).toBe(2);
    expect(stderr).toBe(`vigil: ${path} is not a directory, an image archive (docker-archive, oci-archive, OCI layout), a zip, a binary or a package archive\n`);
  });

  it('reports an unreadable target without a stack trace, and with one under --debug', () => {
    const path = join(work, 'broken.tar');
    // A tar header that promises more than the file holds.
    const header = Buffer.alloc(512);
    header.write('manifest.json', 0);
    header.write('0000644\0', 100);
    header.write('00000001750\0', 124);
    writeFileSync(path, header);
    const plain = vigil(['sbom', `docker-archive:${path}`]);
    expect(plain.code).toBe(2);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = vigil(['--debug', 'sbom', `docker-archive:${path}`]);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('reads a function package with its layers, and a wheel or a jar given alone, archives read in place', () => {
    const [urllib3, flaskCors] = wheelFixtures();
    const jar = buildJar({ poms: [{ groupId: 'com.amazonaws', artifactId: 'aws-lambda-java-core', version: '1.2.3' }] });
    const fn = join(work, 'function.zip');
    writeFileSync(fn, writeZip([zipFile('lambda_function.py', ''), zipFile(`package/${urllib3!.fileName}`, urllib3!.bytes), zipFile('lib/core.jar', jar)]));
    const layer = join(work, 'layer.zip');
    writeFileSync(layer, writeZip([
      zipFile('python/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n'),
      zipFile(`python/wheels/${flaskCors!.fileName}`, flaskCors!.bytes),
    ]));
    const run = vigil(['sbom', fn, '--layer', layer, '--quiet']);
    expect(run.stderr).toBe('');
    const where = (bom: { components: Array<{ purl?: string; properties?: Array<{ name: string; value: string }> }> }) =>
      bom.components.map((c) => `${c.purl} ${c.properties?.find((p) => p.name === 'vigil:location:0:path')?.value}`).sort();
    expect(where(JSON.parse(run.stdout))).toEqual([
      'pkg:maven/com.amazonaws/aws-lambda-java-core@1.2.3 /var/task/lib/core.jar',
      `pkg:pypi/flask-cors@4.0.0 /opt/python/wheels/${flaskCors!.fileName}`,
      'pkg:pypi/six@1.16.0 /opt/python/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA',
      `pkg:pypi/urllib3@2.0.7 /var/task/package/${urllib3!.fileName}`,
    ]);
    const wheel = join(work, urllib3!.fileName);
    writeFileSync(wheel, urllib3!.bytes);
    expect(where(JSON.parse(vigil(['sbom', wheel, '--quiet']).stdout))).toEqual([`pkg:pypi/urllib3@2.0.7 /${urllib3!.fileName}`]);
    writeFileSync(join(work, 'core.jar'), jar);
    expect(where(JSON.parse(vigil(['sbom', join(work, 'core.jar'), '--quiet']).stdout))).toEqual(['pkg:maven/com.amazonaws/aws-lambda-java-core@1.2.3 /core.jar']);
  });

  it('leaves nothing behind in the temporary folder', () => {
    const tmp = mkdtempSync(join(work, 'tmp-'));
    vigil(['sbom', `${fixtures}dpkg/multiple`, '--quiet'], { TMPDIR: tmp });
    vigil(['sbom', `oci-archive:${join(work, 'missing.tar')}`], { TMPDIR: tmp });
    expect(readdirSync(tmp)).toEqual([]);
  });
});
