/**
 * The python-wheel cataloger against pip's own reading of wheels: for every wheel, the package it
 * names must be the one pip would install from it (the project and version of the METADATA pip
 * finds, read by pip's own wheel code), and a wheel pip refuses must give no package and a warning.
 * Run over this repository's wheel fixtures, the wheels the machine's Python bundles for ensurepip,
 * Debian's /usr/share/python-wheels, and any local package index on the machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wheelFixtures } from '../../../test/fixtures/catalog/python-wheel/make-wheels.js';
import { DirectoryTree } from '../../source/directory.js';
import { defaultSourceLimits } from '../../source/file-tree.js';
import { normalizePypiName } from '../python-installed/pypi-package.js';
import { runCatalogers } from '../run.js';
import { pythonWheelCataloger } from './index.js';

/**
 * pip's reading of each wheel whose path comes on stdin (JSON), with the code pip installs wheels
 * with: its METADATA's Name and Version, or why pip would not install it.
 */
const pipReader = `
import json, os, sys
from pip._internal.metadata import get_wheel_distribution
from pip._internal.metadata.base import FilesystemWheel
from pip._internal.models.wheel import Wheel
from pip._vendor.packaging.utils import canonicalize_name
answers = {}
for path in json.load(sys.stdin):
    try:
        meta = get_wheel_distribution(FilesystemWheel(path), canonicalize_name(Wheel(os.path.basename(path)).name)).metadata
        # Without METADATA pip reads an empty one: it names no package.
        if meta["Name"] is None or meta["Version"] is None:
            raise ValueError("no Name or Version in its METADATA")
        answers[path] = {"name": meta["Name"], "version": meta["Version"]}
    except Exception as error:
        answers[path] = {"error": type(error).__name__ + ": " + str(error)}
print(json.dumps(answers))
`;

function python(args: string[], input?: string) {
  return spawnSync('python3', args, { encoding: 'utf8', input, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
}

const probe = python(['-c', 'import pip._internal.metadata, pip._internal.models.wheel']);
const skipReason = probe.error || probe.status !== 0 ? "python3 with pip's wheel reader is not installed here: the comparison with pip is skipped" : undefined;

/** Folders of real wheels on this machine. */
function realWheelFolders(): string[] {
  const ensurepip = python(['-c', 'import ensurepip, os; print(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled"))']);
  const candidates = ['/usr/share/python-wheels', '/opt/pypi/files', '/opt/pypi-more/files'];
  if (ensurepip.status === 0) candidates.push(ensurepip.stdout.trim());
  return candidates.filter((folder) => existsSync(folder) && readdirSync(folder).some((name) => name.endsWith('.whl')));
}

describe.skipIf(skipReason !== undefined)('python-wheel against pip', () => {
  const fixtures = mkdtempSync(join(tmpdir(), 'vigil-wheel-fixtures-'));
  afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

  it('names the package pip installs from each wheel, and no package from a wheel pip refuses', async () => {
    for (const fixture of wheelFixtures()) writeFileSync(join(fixtures, fixture.fileName), fixture.bytes);
    const folders = [fixtures, ...realWheelFolders()];
    const wheels = folders.flatMap((folder) => readdirSync(folder).filter((name) => name.endsWith('.whl')).map((name) => join(folder, name)));
    const read = python(['-c', pipReader], JSON.stringify(wheels));
    expect(read.status, read.stderr).toBe(0);
    const pip = JSON.parse(read.stdout) as Record<string, { name: string; version: string } | { error: string }>;

    const ours = new Map<string, string[]>();
    const warned = new Set<string>();
    for (const folder of folders) {
      // Wheels over the default file limit (torch's are 550 MB) are held to pip too: only ranges are read.
      const tree = await DirectoryTree.open(folder, { ...defaultSourceLimits, maxFileBytes: 4 * 1024 ** 3 });
      const result = await runCatalogers(tree, [pythonWheelCataloger]);
      await tree.close();
      for (const pkg of result.packages) {
        for (const location of pkg.locations) ours.set(join(folder, location.path), [...(ours.get(join(folder, location.path)) ?? []), `${pkg.name}@${pkg.version}`]);
      }
      for (const warning of result.warnings) if (warning.path) warned.add(join(folder, warning.path));
    }
    const expected = Object.fromEntries(wheels.map((path) => [path, 'error' in pip[path]! ? 'refused' : `${normalizePypiName(pip[path]!.name)}@${pip[path]!.version}`]));
    const actual = Object.fromEntries(wheels.map((path) => [path, ours.get(path)?.join(' ') ?? (warned.has(path) ? 'refused' : 'nothing')]));
    expect(actual).toEqual(expected);
    // The fixtures say what pip makes of them, and pip agrees.
    for (const fixture of wheelFixtures()) expect(expected[join(fixtures, fixture.fileName)]).toBe(fixture.installs ?? 'refused');
    expect(wheels.length).toBeGreaterThan(wheelFixtures().length);
  }, 300_000);
});
