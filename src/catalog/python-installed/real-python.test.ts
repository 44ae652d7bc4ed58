/**
 * The python-installed cataloger against the machine's real Python: over a site-packages folder it
 * must list exactly the (normalised name, version) pairs `pip list --path <folder>` prints, both
 * for the interpreter's own site-packages and for a fresh virtual environment.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturesRoot } from '../../../test/harness/catalog.js';
import { runCatalogers } from '../run.js';
import { DirectoryTree } from '../../source/directory.js';
import { defaultSourceLimits } from '../../source/file-tree.js';
import { pythonInstalledCataloger } from './index.js';
import { normalizePypiName } from './pypi-package.js';

function python(executable: string, args: string[]) {
  return spawnSync(executable, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
}

/**
 * The site-packages folders of an interpreter that exist: purelib and platlib, and the folders
 * site adds (a Debian python3 reads /usr/lib/python3/dist-packages, where apt puts egg-info).
 */
function sitePackages(executable: string): string[] {
  const script = [
    'import json, os, site, sysconfig',
    'p = sysconfig.get_paths()',
    'found = [p["purelib"], p["platlib"]] + list(site.getsitepackages())',
    'print(json.dumps([f for f in found if os.path.isdir(f)]))',
  ].join('\n');
  const result = python(executable, ['-c', script]);
  if (result.status !== 0) return [];
  return [...new Set(JSON.parse(result.stdout) as string[])];
}

function pipList(executable: string, folder: string): string[] | undefined {
  const result = python(executable, ['-m', 'pip', 'list', '--format', 'json', '--disable-pip-version-check', '--path', folder]);
  if (result.status !== 0) return undefined;
  const listed = JSON.parse(result.stdout) as Array<{ name: string; version: string }>;
  return listed.map((d) => `${normalizePypiName(d.name)}@${d.version}`).sort();
}

async function catalogued(folder: string): Promise<{ lines: string[]; warnings: unknown[] }> {
  const tree = await DirectoryTree.open(folder, defaultSourceLimits);
  const result = await runCatalogers(tree, [pythonInstalledCataloger]);
  return { lines: result.packages.map((p) => `${p.name}@${p.version}`).sort(), warnings: result.warnings };
}

const pythonProbe = python('python3', ['-m', 'pip', '--version']);
const skipReason =
  pythonProbe.error || pythonProbe.status !== 0 ? 'python3 with pip is not installed here: the real-Python comparison is skipped' : undefined;

describe.skipIf(skipReason !== undefined)('python-installed against the real Python and pip', () => {
  const temporary: string[] = [];
  afterAll(() => {
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  });

  // The Python on the PATH, and the distribution's own one when it is a different interpreter.
  const interpreters = ['python3', '/usr/bin/python3'].filter((executable, index) => {
    const probe = python(executable, ['-m', 'pip', '--version']);
    return probe.status === 0 && (index === 0 || python(executable, ['-c', 'import sys; print(sys.prefix)']).stdout !== python('python3', ['-c', 'import sys; print(sys.prefix)']).stdout);
  });

  it.each(interpreters)('lists what pip list lists for the site-packages folders of %s', async (executable) => {
    const folders = sitePackages(executable);
    expect(folders.length).toBeGreaterThan(0);
    let compared = 0;
    for (const folder of folders) {
      const expected = pipList(executable, folder);
      expect(expected, `pip list --path ${folder}`).toBeDefined();
      const { lines } = await catalogued(folder);
      expect(lines, folder).toEqual(expected);
      compared += lines.length;
    }
    expect(compared).toBeGreaterThan(0);
  }, 300_000);

  it('agrees with pip list on each site-packages folder of the site fixture', async () => {
    const root = `${fixturesRoot}python-installed/site`;
    const folders = ['usr/lib/python3.11/site-packages', 'usr/lib/python3/dist-packages', 'opt/eggs', 'srv/app/.venv/lib/python3.12/site-packages'];
    for (const folder of folders) {
      const expected = pipList('python3', `${root}/${folder}`);
      expect(expected?.length, folder).toBeGreaterThan(0);
      expect((await catalogued(`${root}/${folder}`)).lines, folder).toEqual(expected);
    }
  }, 120_000);

  it('lists what pip list lists in a fresh virtual environment', async (context) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-venv-'));
    temporary.push(dir);
    const created = python('python3', ['-m', 'venv', dir]);
    if (created.status !== 0) {
      context.skip(`python3 -m venv failed (no ensurepip?): ${created.stderr.split('\n').find(Boolean) ?? ''}`);
      return;
    }
    const venvPython = join(dir, 'bin', 'python');
    const folders = sitePackages(venvPython);
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) {
      const expected = pipList(venvPython, folder);
      expect(expected, `pip list --path ${folder}`).toBeDefined();
      const { lines, warnings } = await catalogued(folder);
      expect(lines).toEqual(expected);
      expect(warnings).toEqual([]);
      expect(lines.some((line) => line.startsWith('pip@'))).toBe(true);
    }
  }, 300_000);
});
