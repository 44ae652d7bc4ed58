/**
 * @module Parses uv.lock: one `[[package]]` table per locked distribution, with `name`, `version`
 * and a `source` saying where it comes from (`registry`, `git`, `url`, `path`, `directory`,
 * `editable`, `virtual`). The project itself and its workspace members are the `editable` and
 * `virtual` entries: they are the code being scanned, not dependencies, and are not reported.
 *
 * Development: from the project entries, `dependencies` and `optional-dependencies` (extras)
 * are what the project ships with; `dev-dependencies` (the `[dependency-groups]` of pyproject)
 * only what it is developed with. Each dependency edge is followed through the lock
 * (`dependencies`, and `optional-dependencies` for the extras an edge asks for); a package that
 * only dev groups reach is marked development, one that run-time edges reach is not, and
 * without a project entry nothing is marked.
 * @see https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile
 * @see https://docs.astral.sh/uv/concepts/projects/dependencies/#development-dependencies
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isDistributionName, isRecord, isRecordedVersion, normalizePypiName, PypiPackageSet, pypiPackage } from '../python-installed/pypi-package.js';
import { readTomlLock, stringList } from '../python-installed/read-toml.js';

export async function parseUvLock(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parseUvLockText(await file.text(), ctx);
}

interface Entry {
  name: string;
  version?: string;
  record: Record<string, unknown>;
  isProject: boolean;
}

interface Edge {
  name: string;
  version?: string;
  extras: string[];
}

/** The dependency edges of a list such as `dependencies = [{ name = "x", extra = ["y"] }]`. */
function edges(list: unknown): Edge[] {
  if (!Array.isArray(list)) return [];
  const out: Edge[] = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string') continue;
    out.push({
      name: normalizePypiName(item.name),
      ...(typeof item.version === 'string' ? { version: item.version } : {}),
      extras: stringList(item.extra) ?? [],
    });
  }
  return out;
}

/** Every edge list of a table of lists (`optional-dependencies`, `dev-dependencies`), or of one of its keys. */
function tableEdges(table: unknown, key?: string): Edge[] {
  if (!isRecord(table)) return [];
  if (key !== undefined) return Object.hasOwn(table, key) ? edges(table[key]) : [];
  return Object.values(table).flatMap(edges);
}

/** The entries each edge can reach, following dependencies and the extras edges ask for. */
function reach(entries: Entry[], roots: Edge[]): Set<number> {
  const byName = new Map<string, number[]>();
  entries.forEach((entry, index) => {
    const key = normalizePypiName(entry.name);
    byName.set(key, [...(byName.get(key) ?? []), index]);
  });
  const reached = new Set<number>();
  const visited = new Set<string>();
  const queue: Edge[] = [...roots];
  while (queue.length > 0) {
    const edge = queue.pop()!;
    const targets = (byName.get(edge.name) ?? []).filter((i) => edge.version === undefined || entries[i]!.version === edge.version);
    for (const index of targets) {
      const record = entries[index]!.record;
      reached.add(index);
      if (!visited.has(`${index}`)) {
        visited.add(`${index}`);
        queue.push(...edges(record.dependencies));
      }
      for (const extra of edge.extras) {
        if (visited.has(`${index}[${extra}]`)) continue;
        visited.add(`${index}[${extra}]`);
        queue.push(...tableEdges(record['optional-dependencies'], extra));
      }
    }
  }
  return reached;
}

function sourceFacts(source: Record<string, unknown>): PackageMetadata {
  const facts: PackageMetadata = {};
  for (const kind of ['git', 'url', 'path', 'directory', 'registry'] as const) {
    const value = source[kind];
    if (typeof value !== 'string' || value === '') continue;
    if (kind === 'registry' && /^https:\/\/pypi\.org\/simple\/?$/.test(value)) return facts;
    facts.sourceType = kind;
    facts.sourceUrl = value;
    return facts;
  }
  return facts;
}

export function parseUvLockText(text: string, ctx: CatalogContext): ParsedPackage[] {
  const lock = readTomlLock(text, ctx, 'uv.lock');
  if (!lock) return [];
  const entries: Entry[] = [];
  lock.packages.forEach((item, index) => {
    const where = `package[${index}]`;
    if (!isRecord(item)) return void ctx.skip(`${where} is not a table`);
    if (typeof item.name !== 'string' || !isDistributionName(item.name)) return void ctx.skip(`${where} has no valid name`);
    const source = isRecord(item.source) ? item.source : {};
    const isProject = source.editable !== undefined || source.virtual !== undefined;
    const version = typeof item.version === 'string' ? item.version : undefined;
    if (!isProject && (version === undefined || !isRecordedVersion(version))) return void ctx.skip(`${where} (${item.name}) has no valid version`);
    entries.push({ name: item.name, ...(version !== undefined ? { version } : {}), record: item, isProject });
  });
  const projects = entries.filter((e) => e.isProject);
  const runtime = reach(entries, projects.flatMap((p) => [...edges(p.record.dependencies), ...tableEdges(p.record['optional-dependencies'])]));
  const development = reach(entries, projects.flatMap((p) => tableEdges(p.record['dev-dependencies'])));
  const set = new PypiPackageSet();
  entries.forEach((entry, index) => {
    if (entry.isProject) return;
    const dev = projects.length === 0 ? undefined : runtime.has(index) ? false : development.has(index) ? true : undefined;
    const metadata = sourceFacts(isRecord(entry.record.source) ? entry.record.source : {});
    set.add(pypiPackage({ name: entry.name, version: entry.version!, ...(dev !== undefined ? { development: dev } : {}), metadata }));
  });
  return set.list();
}
