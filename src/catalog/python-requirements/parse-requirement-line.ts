/**
 * @module Reads one requirement of a pip requirements file, the PEP 508 part before any per-line
 * options: `name[extras] <specifiers> ; <marker>`, `name @ url`, or a bare path or URL. Only a
 * pin to one version (`==1.2.3`, `===1.2.3`) names an installed version; everything else is
 * reported as not pinned, and text that is no requirement at all as malformed.
 * @see https://peps.python.org/pep-0508/
 * @see https://packaging.python.org/en/latest/specifications/version-specifiers/
 */
import { valid as validPep440 } from '@renovatebot/pep440';
import { isDistributionName } from '../python-installed/pypi-package.js';

export type RequirementLine =
  | { kind: 'pinned'; name: string; version: string; operator: '==' | '==='; extras: string[]; marker?: string }
  | { kind: 'unpinned'; name?: string; why: 'no version' | 'range' | 'url' | 'path' | 'variable' }
  | { kind: 'malformed'; reason: string };

const namePrefix = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;
const clause = /^(===|==|!=|~=|<=|>=|<|>)\s*(\S+)$/;
/** What `==` may be followed by: a PEP 440 version, possibly with a trailing '.*' wildcard. */
const pep440Chars = /^[A-Za-z0-9.*+!_-]+$/;
/** pip expands ${NAME} from the environment when it reads the file; the scanner cannot. */
const environmentVariable = /\$\{[A-Z0-9_]+\}/;
const urlScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const pathStart = /^(?:\.{1,2}[\\/]|[\\/~]|[A-Za-z]:[\\/])/;
const archiveName = /\.(?:whl|zip|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar|egg)$/i;

export function parseRequirementLine(text: string): RequirementLine {
  const semicolon = text.indexOf(';');
  const spec = (semicolon < 0 ? text : text.slice(0, semicolon)).trim();
  const marker = semicolon < 0 ? undefined : text.slice(semicolon + 1).trim();
  if (spec === '') return { kind: 'malformed', reason: `"${text}" names no package` };
  if (environmentVariable.test(spec)) return { kind: 'unpinned', why: 'variable' };
  if (urlScheme.test(spec)) return { kind: 'unpinned', why: 'url' };
  if (pathStart.test(spec) || (!/[=<>!~@[]/.test(spec) && (/[\\/]/.test(spec) || archiveName.test(spec)))) {
    return { kind: 'unpinned', why: 'path' };
  }
  const head = namePrefix.exec(spec);
  if (!head || !isDistributionName(head[1]!)) return { kind: 'malformed', reason: `"${spec}" does not start with a package name` };
  const name = head[1]!;
  let rest = spec.slice(head[0].length);
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return { kind: 'malformed', reason: `${name}: unclosed extras` };
    extras = rest
      .slice(1, close)
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    if (!extras.every((e) => isDistributionName(e))) return { kind: 'malformed', reason: `${name}: extras are not names` };
    rest = rest.slice(close + 1).trim();
  }
  if (rest.startsWith('@')) return { kind: 'unpinned', name, why: 'url' };
  if (rest === '') return { kind: 'unpinned', name, why: 'no version' };
  if (rest.startsWith('(') && rest.endsWith(')')) rest = rest.slice(1, -1).trim();
  let pin: { operator: '==' | '==='; version: string } | undefined;
  for (const part of rest.split(',')) {
    const match = clause.exec(part.trim());
    if (!match) return { kind: 'malformed', reason: `${name}: "${part.trim()}" is not a version specifier` };
    const operator = match[1]!;
    const version = match[2]!;
    if (operator === '===') {
      pin ??= { operator, version };
      continue;
    }
    if (!pep440Chars.test(version)) return { kind: 'malformed', reason: `${name}: "${version}" is not a version` };
    if (operator !== '==' || version.endsWith('.*')) continue;
    if (validPep440(version) === null) return { kind: 'malformed', reason: `${name}: "${version}" is not a PEP 440 version` };
    pin ??= { operator, version };
  }
  if (!pin) return { kind: 'unpinned', name, why: 'range' };
  return { kind: 'pinned', name, version: pin.version, operator: pin.operator, extras, ...(marker ? { marker } : {}) };
}
