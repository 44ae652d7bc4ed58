/**
 * A Go binary's packages: the modules compiled in (replacements honoured), the main module when
 * it carries a real version, and the standard library at the toolchain's version.
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import { readExecutable, type Executable } from '../binary/executable.js';
import type { CatalogContext } from '../cataloger.js';
import type { RandomAccessBytes } from '../random-access-bytes.js';
import { goModulePackage, isDirectoryPath } from '../go-mod/go-package.js';
import { readGoBuildInfo } from './build-info.js';
import { parseGoModInfo, type GoModInfo } from './parse-mod-info.js';

/**
 * The standard library's version in the form Go module versions take ("go1.21.5" → "v1.21.5",
 * "go1.20" → "v1.20.0", "go1.21rc2" → "v1.21.0-rc.2"), so it orders with the Go scheme and
 * matches the Go vulnerability database's stdlib ranges (which write it without the "v").
 * Undefined for development toolchains ("devel go1.22-abc…"), which have no release version.
 */
export function stdlibVersion(goVersion: string): string | undefined {
  const match = /^go(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?(?=$|[\s\-+])/.exec(goVersion.trim());
  if (!match) return undefined;
  const [, major, minor = '0', patch = '0', stage, stageNumber] = match;
  return `v${Number(major)}.${Number(minor)}.${Number(patch)}${stage ? `-${stage}.${Number(stageNumber)}` : ''}`;
}

/** Build settings written onto the main module and the standard library. */
const platformSettings = new Set(['GOOS', 'GOARCH']);

/** Packages from parsed build information. */
export function goBuildInfoPackages(goVersion: string, info: GoModInfo, ctx: CatalogContext): ParsedPackage[] {
  for (const problem of info.problems) ctx.skip(problem);
  const packages: ParsedPackage[] = [];
  const add = (made: ParsedPackage | string) => {
    if (typeof made === 'string') ctx.skip(made);
    else packages.push(made);
  };
  const settings = Object.fromEntries(info.settings) as Record<string, string>;

  const main = info.main;
  if (main && main.version !== '' && main.version !== '(devel)' && !main.replace) {
    const metadata: PackageMetadata = { main: true, ...(info.path ? { mainPackage: info.path } : {}), ...settings };
    if (main.sum) metadata.sum = main.sum;
    add(goModulePackage(main.path, main.version, metadata));
  }

  for (const dep of info.deps) {
    const module = dep.replace ?? dep;
    if (dep.replace && isDirectoryPath(dep.replace.path)) {
      ctx.skip(`${dep.path} ${dep.version} is replaced by the directory ${dep.replace.path}, which has no version`);
      continue;
    }
    if (module.version === '' || module.version === '(devel)') {
      ctx.skip(`${module.path} has no version`);
      continue;
    }
    const metadata: PackageMetadata = {};
    if (module.sum) metadata.sum = module.sum;
    if (dep.replace) {
      metadata.replaces = dep.path;
      if (dep.version) metadata.replacesVersion = dep.version;
    }
    add(goModulePackage(module.path, module.version, metadata));
  }

  const version = stdlibVersion(goVersion);
  if (version) {
    const metadata: PackageMetadata = { goVersion };
    for (const [key, value] of info.settings) if (platformSettings.has(key)) metadata[key] = value;
    add(goModulePackage('stdlib', version, metadata));
  } else {
    ctx.skip(`the Go toolchain "${goVersion.slice(0, 80)}" has no release version to report the standard library under`);
  }
  return packages;
}

/**
 * Reads a Go executable's build information; [] for executables that are not Go binaries. Only
 * the ranges that hold the tables and the build information are read, not the whole program.
 */
export async function parseGoBinary(file: RandomAccessBytes | Buffer, ctx: CatalogContext): Promise<ParsedPackage[]> {
  const exe: Executable | undefined = await readExecutable(file);
  if (!exe) return [];
  const found = await readGoBuildInfo(exe);
  if (found.kind === 'absent') return [];
  if (found.kind === 'unreadable') {
    ctx.warn('UNREADABLE_GO_BUILDINFO', `the Go build information cannot be read: ${found.reason}`);
    return [];
  }
  return goBuildInfoPackages(found.info.goVersion, parseGoModInfo(found.info.modInfo), ctx);
}
