/**
 * @module The Bundler groups each gem of a Gemfile is declared in, read without running it. A
 * Gemfile is Ruby code; this follows the forms Gemfiles are written in: `gem "name", …` with
 * `group:`/`groups:` options (either hash syntax), inside `group :a, :b do … end` blocks, nested
 * in other blocks (`platforms`, `path`, `source`, `git`, `install_if`…) and in `if`, `unless` and
 * `case` statements, whose every branch is taken (Bundler resolves every gem the file can declare).
 * Anything it cannot follow (an `end` without a block, a block never closed) makes the whole
 * file unreadable, rather than read wrong. A gem named by an expression rather than a literal is
 * left out; so are gems that `gemspec` and `eval_gemfile` bring in.
 * @see https://bundler.io/man/gemfile.5.html
 */

/** Groups by gem name; a gem declared several times is in every group of each declaration. */
export type GemfileGroups = Map<string, Set<string>>;

/** A string or symbol literal: "a", 'a', :a, :"a". */
const literal = /^(?::?"([^"\\]*)"|:?'([^'\\]*)'|:([A-Za-z_][A-Za-z0-9_]*[?!]?))$/;

/** A line without its comment (a '#' outside a string starts one). */
function code(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '#') {
      return line.slice(0, i).trim();
    } else if (c === '"' || c === "'") {
      quote = c;
    }
  }
  return line.trim();
}

function literalValue(token: string): string | undefined {
  const match = literal.exec(token.trim());
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/** The names in `:a, :b`, `[:a, "b"]` or `%i[a b]`; undefined when any is not a literal. */
function literalList(text: string): string[] | undefined {
  const words = /^%[iIwW][[(]([^\])]*)[\])]$/.exec(text.trim());
  if (words) return words[1]!.split(/\s+/).filter(Boolean);
  const inner = text.trim().replace(/^\[(.*)\]$/, '$1');
  const names = inner.split(',').map((part) => literalValue(part));
  return names.every((name): name is string => name !== undefined && name !== '') ? names : undefined;
}

/** The value of a `group:`/`groups:` option in a gem statement's arguments, as a list. */
function groupOption(args: string): string[] | undefined {
  const option = /(?:^|,)\s*(?::groups?\s*=>|groups?:)\s*(%[iIwW]?\[[^\]]*\]|\[[^\]]*\]|[^,\s]+)/.exec(args);
  return option ? literalList(option[1]!) : undefined;
}

/** Statement starts that open a construct closed by `end` (not as a modifier: they start the statement). */
const opensEnd = /^(?:if|unless|case|while|until|begin|def|class|module|for)\b/;

export function readGemfileGroups(text: string): GemfileGroups | { unreadable: string } {
  const groups: GemfileGroups = new Map();
  /** Open blocks: the groups a `group` block adds, or none. */
  const stack: string[][] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const statement = code(lines[n]!);
    if (statement === '') continue;
    if (/^end\b/.test(statement)) {
      if (stack.pop() === undefined) return { unreadable: `line ${n + 1} ends a block that was never opened` };
      continue;
    }
    const opensBlock = /\bdo(?:\s*\|[^|]*\|)?$/.test(statement);
    const gem = /^gem\s*\(?\s*(.*)$/.exec(statement);
    if (gem) {
      // The name is the first argument, a string literal; the options follow it, then perhaps a
      // modifier (`gem "x" if ENV["X"]`).
      const first = /^(?:"([^"\\]*)"|'([^'\\]*)')/.exec(gem[1]!);
      const name = first ? (first[1] ?? first[2]) : undefined;
      if (name !== undefined) {
        const options = gem[1]!.slice(first![0].length).replace(/\s+(?:if|unless)\s.*$/, '');
        const own = groupOption(options) ?? [];
        const enclosing = stack.flat();
        const declared = own.length > 0 || enclosing.length > 0 ? [...own, ...enclosing] : ['default'];
        let set = groups.get(name);
        if (!set) groups.set(name, (set = new Set()));
        for (const group of declared) set.add(group);
      }
      if (opensBlock) stack.push([]);
      continue;
    }
    const group = /^group\s*\(?\s*(.*?)\)?\s+do(?:\s*\|[^|]*\|)?$/.exec(statement);
    if (group) {
      // `group :a, :b, optional: true do`: the names before any option.
      const names = literalList(group[1]!.split(/,\s*[A-Za-z_]+:\s|,\s*:[A-Za-z_]+\s*=>/)[0]!);
      if (!names) return { unreadable: `line ${n + 1} names its groups with an expression` };
      stack.push(names);
      continue;
    }
    if (opensBlock || (opensEnd.test(statement) && !/\bend$/.test(statement))) stack.push([]);
  }
  if (stack.length > 0) return { unreadable: `${stack.length} block${stack.length === 1 ? ' is' : 's are'} never closed` };
  return groups;
}
