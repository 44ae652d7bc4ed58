/**
 * Parses the module information text a Go binary carries (the text `go version -m` prints):
 * "path", "mod", "dep", "=>" (replacement of the line before) and "build" lines, tab-separated.
 * @see https://github.com/golang/go/blob/master/src/runtime/debug/mod.go (ParseBuildInfo)
 */

export interface GoModule {
  path: string;
  version: string;
  /** The go.sum hash ("h1:…"); empty for modules built from a directory. */
  sum: string;
  replace?: GoModule;
}

export interface GoModInfo {
  /** Import path of the main package. */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  /** Build settings in order: ["-compiler", "gc"], ["GOOS", "linux"], ["vcs.revision", "…"]. */
  settings: Array<[string, string]>;
  /** Lines that could not be read, each with the reason. */
  problems: string[];
}

function readModule(fields: string[]): GoModule | undefined {
  if (fields.length !== 2 && fields.length !== 3) return undefined;
  const [path = '', version = '', sum = ''] = fields;
  return path === '' ? undefined : { path, version, sum };
}

/** Go's strconv.Unquote for the two forms build lines use: "…" with escapes, and `…`. */
function unquote(text: string): string | undefined {
  if (text.length >= 2 && text.startsWith('`') && text.endsWith('`')) {
    const inner = text.slice(1, -1);
    return inner.includes('`') ? undefined : inner;
  }
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      // Go's escapes are a superset of JSON's in \x, \a, \v and octal; map those first.
      const json = text
        .slice(1, -1)
        .replace(/\\(x[0-9a-fA-F]{2}|[0-7]{3}|a|v|')/g, (_, e: string) => {
          if (e === 'a') return '\\u0007';
          if (e === 'v') return '\\u000b';
          if (e === "'") return "'";
          const code = e.startsWith('x') ? parseInt(e.slice(1), 16) : parseInt(e, 8);
          return `\\u${code.toString(16).padStart(4, '0')}`;
        })
        .replace(/\\U([0-9a-fA-F]{8})/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
      const value: unknown = JSON.parse(`"${json}"`);
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Splits a build line's "key=value", keys and values possibly quoted. */
function readSetting(text: string): [string, string] | string {
  if (text === '') return 'build line missing "="';
  let key: string;
  let rest: string;
  if (text[0] === '"' || text[0] === '`') {
    const close = text[0] === '`' ? text.indexOf('`', 1) : findClosingQuote(text);
    if (close < 0) return 'build line with an unterminated quoted key';
    const unquoted = unquote(text.slice(0, close + 1));
    if (unquoted === undefined) return 'build line with a bad quoted key';
    key = unquoted;
    rest = text.slice(close + 1);
    if (!rest.startsWith('=')) return 'build line with no "=" after its quoted key';
    rest = rest.slice(1);
  } else {
    const eq = text.indexOf('=');
    if (eq < 0) return 'build line missing "="';
    if (eq === 0) return 'build line with a missing key';
    key = text.slice(0, eq);
    rest = text.slice(eq + 1);
  }
  if (rest.startsWith('"') || rest.startsWith('`')) {
    const value = unquote(rest);
    if (value === undefined) return `build setting ${key} has a bad quoted value`;
    return [key, value];
  }
  return [key, rest];
}

function findClosingQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

export function parseGoModInfo(text: string): GoModInfo {
  const info: GoModInfo = { deps: [], settings: [], problems: [] };
  let last: GoModule | undefined;
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`;
    const [word, ...fields] = line.split('\t');
    switch (word) {
      case '':
        if (line !== '') info.problems.push(`${where}: unexpected leading tab`);
        return;
      case 'go':
        // Only in the printed form (ParseBuildInfo's input); the binary stores the version apart.
        return;
      case 'path':
        info.path = fields.join('\t');
        last = undefined;
        return;
      case 'mod':
      case 'dep': {
        const module = readModule(fields);
        if (!module) {
          info.problems.push(`${where}: ${word} line has ${fields.length} columns, not 2 or 3`);
          last = undefined;
          return;
        }
        if (word === 'mod') info.main = module;
        else info.deps.push(module);
        last = module;
        return;
      }
      case '=>': {
        if (fields.length !== 3 || fields[0] === '') {
          info.problems.push(`${where}: replacement line has ${fields.length} columns, not 3`);
        } else if (!last) {
          info.problems.push(`${where}: replacement with no module on the line before`);
        } else {
          last.replace = { path: fields[0]!, version: fields[1]!, sum: fields[2]! };
        }
        last = undefined;
        return;
      }
      case 'build': {
        const setting = readSetting(fields.join('\t'));
        if (typeof setting === 'string') info.problems.push(`${where}: ${setting}`);
        else info.settings.push(setting);
        last = undefined;
        return;
      }
      default:
        info.problems.push(`${where}: unknown line "${word!.slice(0, 40)}"`);
        last = undefined;
    }
  });
  return info;
}
