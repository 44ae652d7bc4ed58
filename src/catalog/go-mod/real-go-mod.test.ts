/**
 * The go-mod cataloger against Go's own go.mod parser (`go mod edit -json`, from Debian's
 * golang-go, which `.ci/run` installs), over the real go.mod files in ../shared/data and this
 * repository's fixtures: the modules it lists must be those Go's reading of the file gives once
 * exclude and replace are applied as Go applies them (an excluded version is dropped, a replace
 * for one version wins over one for every version, a replacement by a directory has no version).
 * A file this Go refuses (one with directives newer than it) is left out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { recordingContext } from '../../../test/harness/catalog.js';
import { hasTool } from '../../../test/harness/tools.js';
import { parseGoModText } from './parse-go-mod.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/golang-gomod/', import.meta.url));
const fixtures = fileURLToPath(new URL('../../../test/fixtures/catalog/go-mod/', import.meta.url));

interface ModuleVersion {
  Path: string;
  Version?: string;
}

interface GoModJson {
  Require: Array<ModuleVersion & { Indirect?: boolean }> | null;
  Exclude: ModuleVersion[] | null;
  Replace: Array<{ Old: ModuleVersion; New: ModuleVersion }> | null;
}

/**
 * The modules a build of the main module uses by Go's reading of its go.mod, exclude and replace
 * applied: "path@version", sorted. A module required twice is built at the higher version (MVS).
 */
function modulesGoReads(json: GoModJson): string[] {
  const excluded = new Set((json.Exclude ?? []).map((e) => `${e.Path}@${e.Version}`));
  const selected = new Map<string, ModuleVersion>();
  for (const required of json.Require ?? []) {
    if (excluded.has(`${required.Path}@${required.Version}`)) continue;
    const other = selected.get(required.Path);
    if (!other || semver.gt(required.Version!.slice(1), other.Version!.slice(1))) selected.set(required.Path, required);
  }
  const modules: string[] = [];
  for (const required of selected.values()) {
    const replaces = (json.Replace ?? []).filter((r) => r.Old.Path === required.Path && (r.Old.Version === undefined || r.Old.Version === required.Version));
    const replace = replaces.find((r) => r.Old.Version !== undefined) ?? replaces[0];
    if (!replace) modules.push(`${required.Path}@${required.Version}`);
    else if (replace.New.Version !== undefined) modules.push(`${replace.New.Path}@${replace.New.Version}`);
  }
  return [...new Set(modules)].sort();
}

function goModFiles(): string[] {
  const found: string[] = [];
  if (existsSync(shared)) found.push(...readdirSync(shared).filter((name) => name.endsWith('.mod')).map((name) => join(shared, name)));
  for (const name of readdirSync(fixtures, { recursive: true }) as string[]) if (name.endsWith('go.mod')) found.push(join(fixtures, name));
  return found;
}

describe.skipIf(!hasTool('go'))('go-mod against Go', () => {
  it("lists the modules Go's own reading of each go.mod gives", () => {
    const compared: string[] = [];
    for (const path of goModFiles()) {
      const go = spawnSync('go', ['mod', 'edit', '-json', path], { encoding: 'utf8', env: { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local' } });
      if (go.status !== 0) continue; // newer than this Go, or not a go.mod at all
      const { ctx } = recordingContext();
      const ours = parseGoModText(readFileSync(path, 'utf8'), ctx).map((p) => `${p.name}@${p.version}`);
      expect([...new Set(ours)].sort(), path).toEqual(modulesGoReads(JSON.parse(go.stdout) as GoModJson));
      compared.push(path);
    }
    expect(compared.length).toBeGreaterThanOrEqual(2);
  });
});
