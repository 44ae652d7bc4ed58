/**
 * @module Parses a pip requirements file, following its `-r`/`--requirement` and
 * `-c`/`--constraint` includes. Lines are read as pip reads them: backslash continuations
 * joined first, then comments (a '#' at the start or after whitespace) removed, then the
 * requirement split from its per-line options (`--hash`, `--config-settings`, …) at the first
 * token that starts with '-'.
 *
 * Only requirements pinned to one version (`==`, `===`) become packages; every other
 * requirement (ranges, bare names, URLs, paths, `-e`, versions from environment variables) is
 * counted in one warning per file, since the scanner cannot know what they resolved to. A name a
 * constraints file pins is not counted, because pip installs the pinned version.
 *
 * Development: pip has no notion of it, but projects name their files for it. A file whose
 * name says dev, test, lint or docs (requirements-dev.txt, dev-requirements.txt,
 * requirements/test.txt) marks its packages development-only; any other requirements file marks
 * them needed at run time; a constraints file says nothing either way.
 * @see https://pip.pypa.io/en/stable/reference/requirements-file-format/
 */
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { normalizePypiName, PypiPackageSet, pypiPackage, withoutBom } from '../python-installed/pypi-package.js';
import { parseRequirementLine } from './parse-requirement-line.js';

/** Includes nested deeper than this are not followed (pip has no limit; a tree this deep is a loop in disguise). */
export const MAX_INCLUDE_DEPTH = 10;
/** Files read for one top-level file, includes counted, so a diamond of includes stays bounded. */
const MAX_FILES = 200;

type Role = 'requirements' | 'constraints';

interface Unpinned {
  name?: string;
  text: string;
  path: string;
}

/** One logical line: backslash continuations joined, comments removed, trimmed. */
export function requirementsLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  const isComment = (line: string) => /^\s*#/.test(line);
  const physical = withoutBom(text).split(/\r\n|\n|\r/);
  let pending: string[] = [];
  let start = 0;
  const emit = (line: number, joined: string) => {
    const stripped = joined.replace(/(^|\s)#.*$/, '').trim();
    if (stripped !== '') out.push({ line, text: stripped });
  };
  physical.forEach((line, index) => {
    if (!line.endsWith('\\') || isComment(line)) {
      if (pending.length > 0) {
        emit(start, pending.join('') + (isComment(line) ? ` ${line}` : line));
        pending = [];
      } else {
        emit(index + 1, line);
      }
    } else {
      if (pending.length === 0) start = index + 1;
      pending.push(line.replace(/^\\+|\\+$/g, ''));
    }
  });
  if (pending.length > 0) emit(start, pending.join(''));
  return out;
}

/** The part before the first option token, and the option tokens. */
function splitOptions(line: string): { requirement: string; options: string[] } {
  const tokens = line.split(/[ \t]+/);
  const firstOption = tokens.findIndex((token) => token.startsWith('-'));
  if (firstOption < 0) return { requirement: line, options: [] };
  return { requirement: tokens.slice(0, firstOption).join(' '), options: tokens.slice(firstOption) };
}

/** The value of a short (-r x, -rx) or long (--requirement x, --requirement=x) option at `index`, if the token is that option. */
function optionValue(tokens: string[], index: number, short: string, long: string): string | undefined {
  const token = tokens[index]!;
  if (token === short || token === long) return tokens[index + 1] ?? '';
  if (token.startsWith(`${long}=`)) return token.slice(long.length + 1);
  if (token.startsWith(short) && !token.startsWith('--')) return token.slice(short.length);
  return undefined;
}

function fileStem(path: string): string {
  const parts = path.split('/');
  const base = (parts.at(-1) ?? '').replace(/\.(txt|in|pip)$/i, '');
  const stem = base.replace(/requirements?/gi, '');
  // requirements/dev.txt: the file is named for its purpose; requirements.txt in such a folder is not.
  return stem === '' && parts.at(-2)?.toLowerCase() === 'requirements' ? '' : stem;
}

export function isDevelopmentRequirementsFile(path: string): boolean {
  return /(?:^|[-_.])(?:dev|devel|develop|development|test|tests|testing|lint|linting|docs?)(?:[-_.]|$)/i.test(fileStem(path));
}

class RequirementsReader {
  readonly packages = new PypiPackageSet();
  readonly unpinned: Unpinned[] = [];
  readonly pinnedNames = new Set<string>();
  private filesRead = 0;

  constructor(
    private readonly top: CatalogFile,
    private readonly ctx: CatalogContext,
  ) {}

  async read(file: CatalogFile, text: string, role: Role, chain: readonly string[]): Promise<void> {
    this.filesRead++;
    const development = role === 'constraints' ? undefined : isDevelopmentRequirementsFile(file.path);
    const where = file.path === this.top.path ? '' : `${file.path}: `;
    for (const { line, text: content } of requirementsLines(text)) {
      const { requirement, options } = splitOptions(content);
      if (requirement === '') {
        await this.readOptions(file, options, chain, where, line);
        continue;
      }
      const parsed = parseRequirementLine(requirement);
      if (parsed.kind === 'malformed') {
        this.ctx.skip(`${where}line ${line}: ${parsed.reason}`);
        continue;
      }
      if (parsed.kind === 'unpinned') {
        this.unpinned.push({ ...(parsed.name ? { name: normalizePypiName(parsed.name) } : {}), text: requirement, path: file.path });
        continue;
      }
      this.pinnedNames.add(normalizePypiName(parsed.name));
      const metadata: Record<string, string | boolean> = {};
      if (parsed.operator === '===') metadata.arbitraryEquality = true;
      if (parsed.extras.length > 0) metadata.extras = parsed.extras.join(',');
      if (parsed.marker) metadata.markers = parsed.marker;
      if (role === 'constraints') metadata.constraint = true;
      this.packages.add(
        pypiPackage({
          name: parsed.name,
          version: parsed.version,
          ...(development !== undefined ? { development } : {}),
          metadata,
          ...(file.path !== this.top.path ? { locationPath: file.path } : {}),
        }),
      );
    }
  }

  private async readOptions(file: CatalogFile, tokens: string[], chain: readonly string[], where: string, line: number): Promise<void> {
    for (let i = 0; i < tokens.length; i++) {
      const requirements = optionValue(tokens, i, '-r', '--requirement');
      const constraints = requirements === undefined ? optionValue(tokens, i, '-c', '--constraint') : undefined;
      const editable = requirements === undefined && constraints === undefined ? optionValue(tokens, i, '-e', '--editable') : undefined;
      if (editable !== undefined) {
        this.unpinned.push({ text: `-e ${editable}`, path: file.path });
        return;
      }
      const include = requirements ?? constraints;
      if (include === undefined) continue;
      await this.include(file, include, requirements !== undefined ? 'requirements' : 'constraints', chain, `${where}line ${line}`);
      return;
    }
  }

  private async include(from: CatalogFile, target: string, role: Role, chain: readonly string[], where: string): Promise<void> {
    const flag = role === 'requirements' ? '-r' : '-c';
    if (target === '') {
      this.ctx.skip(`${where}: ${flag} names no file`);
      return;
    }
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target) || /\$\{[A-Z0-9_]+\}/.test(target)) {
      this.ctx.warn('REQUIREMENTS_INCLUDE_NOT_FOLLOWED', `${where}: ${flag} ${target} is a URL or uses an environment variable; not followed`);
      return;
    }
    if (chain.length > MAX_INCLUDE_DEPTH || this.filesRead >= MAX_FILES) {
      this.ctx.warn('REQUIREMENTS_INCLUDE_NOT_FOLLOWED', `${where}: ${flag} ${target} is nested too deeply or too often; not followed`);
      return;
    }
    let included: CatalogFile | undefined;
    let text: string;
    try {
      included = await from.open(target);
      if (!included) {
        this.ctx.warn('REQUIREMENTS_INCLUDE_MISSING', `${where}: ${flag} ${target}: no such file in the target`);
        return;
      }
      if (chain.includes(included.path)) {
        this.ctx.warn('REQUIREMENTS_INCLUDE_CYCLE', `${where}: ${flag} ${target} includes a file that includes it (${[...chain, included.path].join(' → ')})`);
        return;
      }
      text = await included.text();
    } catch (error) {
      this.ctx.warn('REQUIREMENTS_INCLUDE_MISSING', `${where}: ${flag} ${target} could not be read: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    await this.read(included, text, role, [...chain, included.path]);
  }

  /** The one warning that counts what was not pinned, leaving out names a constraint pins. */
  reportUnpinned(): void {
    const left = this.unpinned.filter((u) => !(u.name && this.pinnedNames.has(u.name)));
    if (left.length === 0) return;
    const first = left[0]!;
    const in_ = first.path === this.top.path ? '' : ` in ${first.path}`;
    this.ctx.warn(
      'UNPINNED_REQUIREMENTS',
      `${left.length} requirement${left.length === 1 ? ' is' : 's are'} not pinned to one version (name==version) and ${left.length === 1 ? 'was' : 'were'} left out (first: "${first.text.slice(0, 200)}"${in_})`,
    );
  }
}

export async function parseRequirements(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parseRequirementsText(file, await file.text(), ctx);
}

export async function parseRequirementsText(file: CatalogFile, text: string, ctx: CatalogContext): Promise<ParsedPackage[]> {
  const reader = new RequirementsReader(file, ctx);
  await reader.read(file, text, 'requirements', [file.path]);
  reader.reportUnpinned();
  return reader.packages.list();
}
