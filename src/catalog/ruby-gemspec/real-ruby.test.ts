/**
 * The ruby-gemspec cataloger against the machine's real RubyGems (Debian's ruby package, which
 * `.ci/run` installs): over every folder of `gem env gempath`, it must list exactly the gems and
 * versions `gem list --local` prints, default gems included.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../../test/harness/tools.js';
import { DirectoryTree } from '../../source/directory.js';
import { defaultSourceLimits } from '../../source/file-tree.js';
import { runCatalogers } from '../run.js';
import { rubyGemspecCataloger } from './index.js';

function gem(args: string[]): string {
  const result = spawnSync('gem', args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  if (result.status !== 0) throw new Error(`gem ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** `gem list --local`: "name (1.2.3, default: 1.0.0)" → name@1.2.3 and name@1.0.0. */
function gemList(): string[] {
  const ids: string[] = [];
  for (const line of gem(['list', '--local']).split('\n')) {
    const match = /^(\S+) \((.*)\)$/.exec(line);
    if (!match) continue;
    for (const version of match[2]!.split(', ')) ids.push(`${match[1]}@${version.replace(/^default: /, '')}`);
  }
  return ids.sort();
}

describe('ruby-gemspec cataloger on the real RubyGems of this machine', () => {
  it('lists exactly what gem list --local lists, over the folders of the gem path', async (context) => {
    if (!hasTool('gem')) return context.skip('RubyGems is not installed (apt-get install ruby)');
    const folders = gem(['env', 'gempath']).trim().split(':').filter((folder) => existsSync(folder));
    const found = new Set<string>();
    for (const folder of folders) {
      const result = await runCatalogers(await DirectoryTree.open(folder, defaultSourceLimits), [rubyGemspecCataloger]);
      expect(result.warnings, folder).toEqual([]);
      for (const p of result.packages) found.add(`${p.name}@${p.version}`);
    }
    const listed = gemList();
    expect([...found].sort()).toEqual(listed);
    // Debian's ruby ships default gems (specifications/default) and bundled ones.
    expect(listed.length).toBeGreaterThan(50);
    expect(listed.some((id) => id.startsWith('bundler@'))).toBe(true);
  });
});
