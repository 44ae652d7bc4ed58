/**
 * @module The registry of catalogers: one line per cataloger folder (guarded by registry.test.ts).
 */
import { VigilError } from '../errors.js';
import type { Cataloger } from './cataloger.js';
import { apkCataloger } from './apk/index.js';
import { dotnetCsprojCataloger } from './dotnet-csproj/index.js';
import { dotnetDepsJsonCataloger } from './dotnet-deps-json/index.js';
import { dotnetPackagesConfigCataloger } from './dotnet-packages-config/index.js';
import { dotnetNupkgCataloger } from './dotnet-nupkg/index.js';
import { dotnetPackagesLockCataloger } from './dotnet-packages-lock/index.js';
import { dpkgCataloger } from './dpkg/index.js';
import { goBinaryCataloger } from './go-binary/index.js';
import { goModCataloger } from './go-mod/index.js';
import { javaArchiveCataloger } from './java-archive/index.js';
import { javaGradleLockfileCataloger } from './java-gradle-lockfile/index.js';
import { javaPomCataloger } from './java-pom/index.js';
import { pythonInstalledCataloger } from './python-installed/index.js';
import { pythonPdmLockCataloger } from './python-pdm-lock/index.js';
import { pythonPipfileLockCataloger } from './python-pipfile-lock/index.js';
import { pythonPoetryLockCataloger } from './python-poetry-lock/index.js';
import { pythonRequirementsCataloger } from './python-requirements/index.js';
import { pythonUvLockCataloger } from './python-uv-lock/index.js';
import { pythonWheelCataloger } from './python-wheel/index.js';
import { npmInstalledCataloger } from './npm-installed/index.js';
import { npmLockfileCataloger } from './npm-lockfile/index.js';
import { phpComposerInstalledCataloger } from './php-composer-installed/index.js';
import { phpComposerCataloger } from './php-composer/index.js';
import { pnpmLockCataloger } from './pnpm-lock/index.js';
import { rubyGemArchiveCataloger } from './ruby-gem-archive/index.js';
import { rubyGemfileLockCataloger } from './ruby-gemfile-lock/index.js';
import { rubyGemspecCataloger } from './ruby-gemspec/index.js';
import { rustAuditBinaryCataloger } from './rust-audit-binary/index.js';
import { rustCargoLockCataloger } from './rust-cargo-lock/index.js';
import { yarnLockCataloger } from './yarn-lock/index.js';
import { rpmCataloger } from './rpm/index.js';

/** Operating-system package databases. */
export const osCatalogers: readonly Cataloger[] = [apkCataloger, dpkgCataloger, rpmCataloger];

/** Language ecosystems: lockfiles, installed packages, archives and binaries. */
export const languageCatalogers: readonly Cataloger[] = [
  npmLockfileCataloger,
  yarnLockCataloger,
  pnpmLockCataloger,
  npmInstalledCataloger,
  pythonInstalledCataloger,
  pythonWheelCataloger,
  pythonRequirementsCataloger,
  pythonPoetryLockCataloger,
  pythonPipfileLockCataloger,
  pythonPdmLockCataloger,
  pythonUvLockCataloger,
  javaArchiveCataloger,
  javaPomCataloger,
  javaGradleLockfileCataloger,
  goModCataloger,
  goBinaryCataloger,
  rustCargoLockCataloger,
  rustAuditBinaryCataloger,
  rubyGemfileLockCataloger,
  rubyGemspecCataloger,
  rubyGemArchiveCataloger,
  phpComposerCataloger,
  phpComposerInstalledCataloger,
  dotnetPackagesLockCataloger,
  dotnetDepsJsonCataloger,
  dotnetNupkgCataloger,
  dotnetPackagesConfigCataloger,
  dotnetCsprojCataloger,
];

export const catalogers: readonly Cataloger[] = [...osCatalogers, ...languageCatalogers];

const groups: Record<string, readonly Cataloger[]> = { all: catalogers, os: osCatalogers, language: languageCatalogers };

export function catalogerNamed(name: string): Cataloger | undefined {
  return catalogers.find((cataloger) => cataloger.name === name);
}

/** Parses a selection such as "os", "language", "dpkg,npm-lockfile" or "os,go-binary". */
export function selectCatalogers(selection: string): Cataloger[] {
  const chosen = new Set<Cataloger>();
  for (const item of selection.split(',').map((s) => s.trim()).filter(Boolean)) {
    const group = groups[item];
    const named = catalogerNamed(item);
    if (!group && !named) {
      throw new VigilError(
        'INVALID_ARGUMENT',
        `unknown cataloger "${item}": use all, os, language or one of ${catalogers.map((c) => c.name).join(', ')}`,
      );
    }
    for (const cataloger of group ?? [named!]) chosen.add(cataloger);
  }
  if (chosen.size === 0) throw new VigilError('INVALID_ARGUMENT', '--catalogers names no cataloger');
  // Registry order, whatever order they were named in.
  return catalogers.filter((c) => chosen.has(c));
}

export type { Cataloger } from './cataloger.js';
export { runCatalogers } from './run.js';
export { detectDistro } from './os-release/index.js';
