/**
 * Parses go.mod into the modules it requires, as Go would build them: one version per module
 * path (the highest required, as minimal version selection picks), `replace` applied (a version-
 * specific replacement before a path-wide one), `exclude`d versions left out. `module`, `go`,
 * `toolchain`, `godebug`, `retract`, `tool` and `ignore` describe the project, not its
 * dependencies, and yield nothing.
 * @see https://go.dev/ref/mod#go-mod-file
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import { go } from '../../versions/go.js';
import type { CatalogContext } from '../cataloger.js';
import { goModulePackage, isDirectoryPath } from './go-package.js';

interface Line {
  tokens: string[];
  comment: string;
  number: number;
}

interface Requirement {
  path: string;
  version: string;
  indirect: boolean;
}

interface Replacement {
  path: string;
  version?: string;
  newPath: string;
  newVersion?: string;
}

const knownVerbs = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']);

/** Splits one line into tokens (quoted strings unquoted) and its trailing // comment. */
function lexLine(text: string, number: number): Line | string {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (text.startsWith('//', i)) {
      return { tokens, comment: text.slice(i + 2).trim(), number };
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return `line ${number}: unterminated quoted string`;
      try {
        tokens.push(JSON.parse(text.slice(i, j + 1)) as string);
      } catch {
        return `line ${number}: bad quoted string`;
      }
      i = j + 1;
    } else if (c === '`') {
      const j = text.indexOf('`', i + 1);
      if (j < 0) return `line ${number}: unterminated raw string`;
      tokens.push(text.slice(i + 1, j));
      i = j + 1;
    } else if (c === '(' || c === ')') {
      tokens.push(c);
      i++;
    } else {
      let j = i;
      while (j < text.length && !' \t\r()"`'.includes(text[j]!) && !text.startsWith('//', j)) j++;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return { tokens, comment: '', number };
}

/** `// indirect` and `// indirect; other notes` mark an indirect requirement. */
function isIndirect(comment: string): boolean {
  return comment === 'indirect' || comment.startsWith('indirect;');
}

export interface GoModFile {
  requires: Requirement[];
  replaces: Replacement[];
  excludes: Array<{ path: string; version: string }>;
  /** Directives read (known ones). */
  directives: number;
  problems: string[];
}

export function readGoModFile(text: string): GoModFile {
  const file: GoModFile = { requires: [], replaces: [], excludes: [], directives: 0, problems: [] };
  let block: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const lexed = lexLine(raw, index + 1);
    if (typeof lexed === 'string') {
      file.problems.push(lexed);
      return;
    }
    let tokens = lexed.tokens;
    if (tokens.length === 0) return;
    const where = `line ${lexed.number}`;
    if (block !== undefined) {
      if (tokens[0] === ')') {
        block = undefined;
        return;
      }
      directive(block, tokens, lexed.comment, where);
      return;
    }
    const verb = tokens[0]!;
    if (!knownVerbs.has(verb)) {
      file.problems.push(`${where}: unknown directive "${verb.slice(0, 40)}"`);
      return;
    }
    file.directives++;
    tokens = tokens.slice(1);
    if (tokens[0] === '(') {
      if (tokens.length === 1) block = verb;
      else if (!(tokens.length === 2 && tokens[1] === ')')) file.problems.push(`${where}: text after "${verb} ("`);
      return;
    }
    directive(verb, tokens, lexed.comment, where);
  });
  if (block !== undefined) file.problems.push(`the ${block} block is not closed`);
  return file;

  function directive(verb: string, args: string[], comment: string, where: string) {
    switch (verb) {
      case 'require':
        if (args.length !== 2) file.problems.push(`${where}: require takes a module path and a version`);
        else file.requires.push({ path: args[0]!, version: args[1]!, indirect: isIndirect(comment) });
        return;
      case 'exclude':
        if (args.length !== 2) file.problems.push(`${where}: exclude takes a module path and a version`);
        else file.excludes.push({ path: args[0]!, version: args[1]! });
        return;
      case 'replace': {
        const arrow = args.indexOf('=>');
        const left = args.slice(0, arrow);
        const right = args.slice(arrow + 1);
        if (arrow < 0 || left.length < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
          file.problems.push(`${where}: replace takes "module [version] => path [version]"`);
          return;
        }
        file.replaces.push({
          path: left[0]!,
          ...(left[1] !== undefined ? { version: left[1] } : {}),
          newPath: right[0]!,
          ...(right[1] !== undefined ? { newVersion: right[1] } : {}),
        });
        return;
      }
      default:
        // module, go, toolchain, godebug, retract, tool, ignore: nothing to report.
        return;
    }
  }
}

function higher(a: string, b: string): string {
  if (!go.validate(a)) return b;
  if (!go.validate(b)) return a;
  return go.compare(a, b) >= 0 ? a : b;
}

/** The packages a go.mod requires; go.sum beside it is not read (it lists more than the build). */
export function parseGoModText(text: string, ctx: CatalogContext): ParsedPackage[] {
  const file = readGoModFile(text);
  if (file.directives === 0 && file.problems.length > 0) {
    ctx.warn('UNREADABLE_GOMOD', `not a go.mod file: ${file.problems[0]}`);
    return [];
  }
  for (const problem of file.problems) ctx.skip(problem);

  // Minimal version selection keeps one version of a path: the highest required.
  const selected = new Map<string, Requirement>();
  for (const requirement of file.requires) {
    const before = selected.get(requirement.path);
    if (!before) {
      selected.set(requirement.path, requirement);
      continue;
    }
    const version = higher(before.version, requirement.version);
    // Direct if any line requires it directly.
    selected.set(requirement.path, { path: requirement.path, version, indirect: before.indirect && requirement.indirect });
  }

  const packages: ParsedPackage[] = [];
  for (const requirement of selected.values()) {
    if (file.excludes.some((e) => e.path === requirement.path && e.version === requirement.version)) {
      ctx.skip(`${requirement.path} ${requirement.version} is required but excluded; the version Go would use instead is not in go.mod`);
      continue;
    }
    const replacement =
      file.replaces.find((r) => r.path === requirement.path && r.version === requirement.version) ??
      file.replaces.find((r) => r.path === requirement.path && r.version === undefined);
    const metadata: PackageMetadata = {};
    if (requirement.indirect) metadata.indirect = true;
    let path = requirement.path;
    let version = requirement.version;
    if (replacement) {
      if (isDirectoryPath(replacement.newPath) || replacement.newVersion === undefined) {
        ctx.skip(`${requirement.path} ${requirement.version} is replaced by the directory ${replacement.newPath}, which has no version`);
        continue;
      }
      metadata.replaces = requirement.path;
      metadata.replacesVersion = requirement.version;
      path = replacement.newPath;
      version = replacement.newVersion;
    }
    const made = goModulePackage(path, version, metadata);
    if (typeof made === 'string') ctx.skip(made);
    else packages.push(made);
  }
  return packages;
}
