/**
 * @module Which locked packages only development needs, worked out from the project's
 * pyproject.toml when the lock does not say (Poetry 1.5 to 1.8 write lock-version 2.0, with
 * neither `category` nor `groups` on a package). The project's runtime dependencies
 * (`[tool.poetry.dependencies]` but `python`, PEP 621 `[project.dependencies]` and its optional
 * dependencies, which extras install) and its groups (`[tool.poetry.group.<name>.dependencies]`,
 * the older `[tool.poetry.dev-dependencies]`, PEP 735 `[dependency-groups]`) are followed through
 * the lock's `[package.dependencies]` (an optional one only through the extra that names it),
 * extras included where a dependency asks for them. A package
 * the runtime dependencies reach is not development; one only the groups reach is; one neither
 * reaches stays unmarked.
 * @see https://python-poetry.org/docs/managing-dependencies/
 * @see https://packaging.python.org/en/latest/specifications/pyproject-toml/
 * @see https://peps.python.org/pep-0735/
 */
import { isRecord, normalizePypiName } from '../python-installed/pypi-package.js';
import { stringList } from '../python-installed/read-toml.js';

/** Requested packages, by normalised name, each with the extras asked of it. */
type Requests = Map<string, Set<string>>;

export interface ProjectRoots {
  runtime: Requests;
  development: Requests;
}

/** One locked distribution's edges: what it depends on, and what each of its extras adds. */
interface LockedEdges {
  dependencies: Requests;
  extras: Map<string, Requests>;
}

const requirementHead = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?/;

function request(into: Requests, name: string, extras: readonly string[]): void {
  const key = normalizePypiName(name);
  let asked = into.get(key);
  if (!asked) into.set(key, (asked = new Set()));
  for (const extra of extras) asked.add(normalizePypiName(extra));
}

/** A PEP 508 requirement's name and extras (`name[a,b] >=1 ; marker`); nothing for one that names no package. */
function requestRequirement(into: Requests, requirement: string): void {
  const head = requirementHead.exec(requirement);
  if (!head) return;
  const extras = (head[2] ?? '')
    .split(',')
    .map((extra) => extra.trim())
    .filter(Boolean);
  request(into, head[1]!, extras);
}

/**
 * A Poetry dependency table (`name = "^1.0"`, `name = { version, extras }`, or a list of such for
 * several markers). `lockEntry`: the table is a locked package's, whose `optional = true`
 * dependencies are installed only through one of its extras (which name them again).
 */
function requestPoetryTable(into: Requests, table: unknown, options: { skip?: string; lockEntry?: boolean } = {}): void {
  if (!isRecord(table)) return;
  for (const [name, spec] of Object.entries(table)) {
    if (name === options.skip) continue;
    const specs = (Array.isArray(spec) ? spec : [spec]) as unknown[];
    if (options.lockEntry && specs.every((one) => isRecord(one) && one.optional === true)) continue;
    request(
      into,
      name,
      specs.flatMap((one) => (isRecord(one) ? (stringList(one.extras) ?? []) : [])),
    );
  }
}

/** The project's runtime and development roots; undefined when pyproject.toml names no dependencies at all. */
export function projectRoots(pyproject: Record<string, unknown>): ProjectRoots | undefined {
  const runtime: Requests = new Map();
  const development: Requests = new Map();
  const tool = isRecord(pyproject.tool) ? pyproject.tool : {};
  const poetry = isRecord(tool.poetry) ? tool.poetry : {};
  requestPoetryTable(runtime, poetry.dependencies, { skip: 'python' });
  const project = isRecord(pyproject.project) ? pyproject.project : {};
  for (const requirement of stringList(project.dependencies) ?? []) requestRequirement(runtime, requirement);
  if (isRecord(project['optional-dependencies'])) {
    for (const requirements of Object.values(project['optional-dependencies'])) for (const requirement of stringList(requirements) ?? []) requestRequirement(runtime, requirement);
  }
  requestPoetryTable(development, poetry['dev-dependencies']);
  if (isRecord(poetry.group)) for (const group of Object.values(poetry.group)) if (isRecord(group)) requestPoetryTable(development, group.dependencies);
  if (isRecord(pyproject['dependency-groups'])) {
    // Entries are requirements, or `{ include-group = "…" }`, whose group is listed here too.
    for (const entries of Object.values(pyproject['dependency-groups'])) if (Array.isArray(entries)) for (const entry of entries) if (typeof entry === 'string') requestRequirement(development, entry);
  }
  return runtime.size === 0 && development.size === 0 ? undefined : { runtime, development };
}

/** The lock's dependency graph, by normalised name (entries of one name for several markers merged). */
export function lockedEdges(packages: readonly unknown[]): Map<string, LockedEdges> {
  const edges = new Map<string, LockedEdges>();
  for (const entry of packages) {
    if (!isRecord(entry) || typeof entry.name !== 'string') continue;
    const key = normalizePypiName(entry.name);
    let own = edges.get(key);
    if (!own) edges.set(key, (own = { dependencies: new Map(), extras: new Map() }));
    requestPoetryTable(own.dependencies, entry.dependencies, { lockEntry: true });
    if (isRecord(entry.extras)) {
      for (const [extra, requirements] of Object.entries(entry.extras)) {
        const name = normalizePypiName(extra);
        let added = own.extras.get(name);
        if (!added) own.extras.set(name, (added = new Map()));
        for (const requirement of stringList(requirements) ?? []) requestRequirement(added, requirement);
      }
    }
  }
  return edges;
}

/** Every locked name the requests reach, the requests included (those the lock holds). */
function reach(edges: ReadonlyMap<string, LockedEdges>, roots: Requests): Set<string> {
  const reached = new Set<string>();
  const extrasDone = new Map<string, Set<string>>();
  const queue: Array<[string, ReadonlySet<string>]> = [...roots];
  while (queue.length > 0) {
    const [name, extras] = queue.pop()!;
    const own = edges.get(name);
    if (!own) continue;
    let done = extrasDone.get(name);
    const first = !reached.has(name);
    if (first) {
      reached.add(name);
      extrasDone.set(name, (done = new Set()));
      queue.push(...own.dependencies);
    }
    for (const extra of extras) {
      if (done!.has(extra)) continue;
      done!.add(extra);
      queue.push(...(own.extras.get(extra) ?? []));
    }
  }
  return reached;
}

/** Whether each locked name (normalised) is development-only: true, false, or absent when neither side reaches it. */
export function developmentByReach(edges: ReadonlyMap<string, LockedEdges>, roots: ProjectRoots): Map<string, boolean> {
  const runtime = reach(edges, roots.runtime);
  const development = reach(edges, roots.development);
  const marks = new Map<string, boolean>();
  for (const name of edges.keys()) {
    if (runtime.has(name)) marks.set(name, false);
    else if (development.has(name)) marks.set(name, true);
  }
  return marks;
}
