/**
 * @module Parses the gemspec files RubyGems generates when it installs a gem
 * (Gem::Specification#to_ruby). They are Ruby, but of one well-known generated form:
 *
 *   Gem::Specification.new do |s|
 *     s.name = "rack".freeze
 *     s.version = "3.0.8"
 *     s.platform = "x86_64-linux".freeze        (pre-built gems only)
 *     s.licenses = ["MIT".freeze]
 *
 * so the assignments are read with regular expressions and a small string-literal reader, never
 * evaluated. Older RubyGems wrote %q{…} literals; those are read too. A gemspec whose name or
 * version is not a literal (a source gemspec with `spec.version = MyGem::VERSION`) is skipped:
 * RubyGems never installs one of those into specifications/.
 * @see https://guides.rubygems.org/specification-reference/
 * @see https://github.com/rubygems/rubygems/blob/master/lib/rubygems/specification.rb (to_ruby)
 */
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { gemPackage, isGemName, isGemPlatform, isGemVersion } from '../ruby-gemfile-lock/gem-package.js';

const closing: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };

interface Read<T> {
  value: T;
  /** Index just past what was read. */
  end: number;
}

/**
 * Reads one Ruby string literal at `start`: "…", '…', %q…, %Q… or %… with any delimiter.
 * Undefined for anything else, and for double-quoted strings with interpolation (not literals).
 */
export function readRubyString(text: string, start: number): Read<string> | undefined {
  let i = start;
  let open = text[i];
  let interpolating = open === '"';
  if (open === '%') {
    const kind = text[i + 1];
    if (kind === 'q' || kind === 'Q') {
      interpolating = kind === 'Q';
      i += 2;
    } else {
      interpolating = true;
      i += 1;
    }
    open = text[i];
    if (open === undefined || /[A-Za-z0-9\s]/.test(open)) return undefined;
  } else if (open !== '"' && open !== "'") {
    return undefined;
  }
  const close = closing[open] ?? open;
  const nests = close !== open;
  let depth = 0;
  let value = '';
  for (i += 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) return undefined;
      if (interpolating) {
        value += ({ n: '\n', t: '\t', r: '\r', '0': '\0', s: ' ' } as Record<string, string>)[next] ?? next;
      } else {
        // Single-quoted and %q: only the backslash and the delimiters are escapes.
        value += next === '\\' || next === close || next === open ? next : `\\${next}`;
      }
      i++;
      continue;
    }
    if (interpolating && c === '#' && text[i + 1] === '{') return undefined;
    if (nests && c === open) depth++;
    if (c === close) {
      if (depth === 0) return { value, end: i + 1 };
      depth--;
    }
    value += c;
  }
  return undefined;
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

/** A string literal, optionally followed by `.freeze`. */
function readFrozenString(text: string, start: number): Read<string> | undefined {
  const literal = readRubyString(text, start);
  if (!literal) return undefined;
  const end = text.startsWith('.freeze', literal.end) ? literal.end + '.freeze'.length : literal.end;
  return { value: literal.value, end };
}

/** Only white space or a comment may follow a value on its line. */
function endsLine(text: string, i: number): boolean {
  const rest = text.slice(skipSpaces(text, i));
  return rest === '' || rest.startsWith('#');
}

/** The value of `s.name = <literal>` as a string; undefined when it is not one literal. */
export function readStringValue(expression: string): string | undefined {
  const literal = readFrozenString(expression, skipSpaces(expression, 0));
  return literal && endsLine(expression, literal.end) ? literal.value : undefined;
}

/** The value of `s.licenses = [<literal>, …]`, `%w[…]`, or a single literal. */
export function readStringListValue(expression: string): string[] | undefined {
  let i = skipSpaces(expression, 0);
  const words = /^%w([[({<])([^\])}>]*)([\])}>])/.exec(expression.slice(i));
  if (words && closing[words[1]!] === words[3]) {
    return endsLine(expression, i + words[0].length) ? words[2]!.split(/\s+/).filter(Boolean) : undefined;
  }
  if (expression[i] !== '[') {
    const single = readStringValue(expression);
    return single === undefined ? undefined : [single];
  }
  const values: string[] = [];
  i = skipSpaces(expression, i + 1);
  if (expression[i] === ']') return endsLine(expression, i + 1) ? values : undefined;
  for (;;) {
    const literal = readFrozenString(expression, i);
    if (!literal) return undefined;
    values.push(literal.value);
    i = skipSpaces(expression, literal.end);
    if (expression[i] === ']') return endsLine(expression, i + 1) ? values : undefined;
    if (expression[i] !== ',') return undefined;
    i = skipSpaces(expression, i + 1);
  }
}

export async function parseGemspec(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parseGemspecText(await file.text(), ctx, file.path);
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function parseGemspecText(text: string, ctx: CatalogContext, path = ''): ParsedPackage[] {
  const block = /Gem::Specification\.new\s*(?:do|\{)\s*\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*\|/.exec(text);
  if (!block) {
    ctx.warn('UNREADABLE_GEMSPEC', 'not a gemspec: no "Gem::Specification.new do |s|" block');
    return [];
  }
  const variable = escapeRegex(block[1]!);
  const body = text.slice(block.index + block[0].length);
  /** The right-hand side of the first `s.<attribute> = …` line. */
  const assigned = (attribute: string): string | undefined => {
    const match = new RegExp(`^[ \\t]*${variable}\\.${attribute}[ \\t]*=(?!=)(.*)$`, 'm').exec(body);
    return match?.[1];
  };
  const nameText = assigned('name');
  const name = nameText === undefined ? undefined : readStringValue(nameText);
  if (name === undefined || !isGemName(name)) {
    ctx.skip(nameText === undefined ? 'the gemspec assigns no name' : `the name ${nameText.trim().slice(0, 80)} is not a literal gem name`);
    return [];
  }
  const versionText = assigned('version');
  const version = versionText === undefined ? undefined : readStringValue(versionText);
  if (version === undefined || !isGemVersion(version)) {
    ctx.skip(
      versionText === undefined
        ? `gem "${name}" has no version`
        : `the version of gem "${name}" (${versionText.trim().slice(0, 80)}) is not a literal version`,
    );
    return [];
  }
  const platformText = assigned('platform');
  const platform = platformText === undefined ? undefined : readStringValue(platformText);
  const licensesText = assigned('licenses') ?? assigned('license');
  const licenses = (licensesText === undefined ? undefined : readStringListValue(licensesText))?.map((l) => l.trim()).filter(Boolean);
  return [
    gemPackage({
      name,
      version,
      ...(platform !== undefined && isGemPlatform(platform) ? { platform } : {}),
      ...(licenses ? { licenses } : {}),
      ...(path.includes('/specifications/default/') ? { metadata: { defaultGem: true } } : {}),
    }),
  ];
}
