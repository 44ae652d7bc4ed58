import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyEntryName, SquashTree, type EntryFacts } from './squash-tree.js';

const file = (size = 1): EntryFacts => ({ kind: 'file', mode: 0o644, size });
const dir: EntryFacts = { kind: 'directory', mode: 0o755, size: 0 };

/** Applies entries of one layer, in order, the way the layer pass does. */
function applyLayer(tree: SquashTree, layer: number, names: Array<string | [string, EntryFacts]>): void {
  for (const item of names) {
    const [name, facts] = typeof item === 'string' ? [item, name_is_dir(item) ? dir : file()] : item;
    const entry = classifyEntryName(name);
    if (entry.type === 'whiteout') tree.whiteout(entry.dir, entry.name, layer);
    else if (entry.type === 'opaque') tree.opaque(entry.dir, layer);
    else if (entry.type === 'path') tree.apply(entry.segments, facts, layer);
  }
}
function name_is_dir(name: string): boolean {
  return name.endsWith('/');
}

/** Every path in the tree with the layer that wrote it: "/a/b@1". */
function listing(tree: SquashTree): string[] {
  const out: string[] = [];
  const walk = (node: typeof tree.root, path: string) => {
    for (const [name, child] of [...(node.children ?? [])].sort(([a], [b]) => a.localeCompare(b))) {
      const childPath = `${path}/${name}`;
      out.push(`${childPath}${child.kind === 'directory' ? '/' : ''}@${child.layer}`);
      if (child.kind === 'directory') walk(child, childPath);
    }
  };
  walk(tree.root, '');
  return out;
}

describe('classifyEntryName', () => {
  it.each([
    ['./etc/passwd', { type: 'path', segments: ['etc', 'passwd'] }],
    ['/etc//./passwd', { type: 'path', segments: ['etc', 'passwd'] }],
    ['a/../b', { type: 'path', segments: ['b'] }],
    ['../etc/passwd', { type: 'escape' }],
    ['a/../../etc', { type: 'escape' }],
    ['./', { type: 'root' }],
    ['etc/.wh.passwd', { type: 'whiteout', dir: ['etc'], name: 'passwd' }],
    ['.wh.etc', { type: 'whiteout', dir: [], name: 'etc' }],
    ['etc/.wh..wh..opq', { type: 'opaque', dir: ['etc'] }],
    ['etc/.wh...', { type: 'escape' }],
  ])('%s', (name, expected) => {
    expect(classifyEntryName(name)).toEqual(expected);
  });
});

describe('SquashTree', () => {
  it('lets a whiteout delete a lower file and a lower subtree', () => {
    const tree = new SquashTree();
    applyLayer(tree, 0, ['etc/', 'etc/a', 'etc/b', 'var/', 'var/lib/', 'var/lib/x']);
    applyLayer(tree, 1, ['etc/.wh.a', '.wh.var']);
    expect(listing(tree)).toEqual(['/etc/@0', '/etc/b@0']);
  });

  it('keeps what the same layer wrote, whether before or after the whiteout', () => {
    const tree = new SquashTree();
    applyLayer(tree, 0, ['d/', 'd/old', 'e/', 'e/old']);
    applyLayer(tree, 1, ['d/new', '.wh.d', '.wh.e', 'e/new']);
    expect(listing(tree)).toEqual(['/d/@1', '/d/new@1', '/e/@1', '/e/new@1']);
  });

  it('hides lower children of an opaque directory, with the marker before or after the layer’s own entries', () => {
    for (const order of [
      ['d/', 'd/.wh..wh..opq', 'd/mine', 'd/sub/mine2'],
      ['d/', 'd/mine', 'd/sub/mine2', 'd/.wh..wh..opq'],
    ]) {
      const tree = new SquashTree();
      applyLayer(tree, 0, ['d/', 'd/lower', 'd/sub/', 'd/sub/lower2', 'other']);
      applyLayer(tree, 1, order);
      expect(listing(tree)).toEqual(['/d/@1', '/d/mine@1', '/d/sub/@1', '/d/sub/mine2@1', '/other@0']);
    }
  });

  it('ignores a whiteout of a path that does not exist', () => {
    const tree = new SquashTree();
    applyLayer(tree, 0, ['a']);
    applyLayer(tree, 1, ['nothing/.wh.here', '.wh.missing']);
    expect(listing(tree)).toEqual(['/a@0']);
  });

  it('replaces a directory with a file and a file with a directory', () => {
    const tree = new SquashTree();
    applyLayer(tree, 0, ['x/', 'x/inner', 'y']);
    applyLayer(tree, 1, ['x', 'y/', 'y/z']);
    expect(listing(tree)).toEqual(['/x@1', '/y/@1', '/y/z@1']);
  });

  it('keeps a file’s history across layers, one version per layer', () => {
    const tree = new SquashTree();
    applyLayer(tree, 0, [['f', file(1)]]);
    applyLayer(tree, 1, [['f', file(2)], ['f', file(3)]]);
    applyLayer(tree, 2, [['f', file(4)]]);
    expect(tree.get(['f'])!.versions!.map((v) => `${v.layer}:${v.size}`)).toEqual(['0:1', '1:3', '2:4']);
    applyLayer(tree, 3, ['.wh.f']);
    applyLayer(tree, 4, [['f', file(5)]]);
    expect(tree.get(['f'])!.versions!.map((v) => `${v.layer}:${v.size}`)).toEqual(['4:5']);
  });

  it('links a hard link to the content its target had when it was made', () => {
    const tree = new SquashTree();
    applyLayer(tree, 0, [['bin/a', file(7)], ['bin/b', { kind: 'hardlink', mode: 0, size: 0, linkName: './bin/a' }]]);
    const link = tree.get(['bin', 'b'])!;
    expect(link.kind).toBe('hardlink');
    expect(link.linkTarget).toBe('/bin/a');
    expect(link.versions![0]).toBe(tree.get(['bin', 'a'])!.versions![0]);
    expect(tree.apply(['c'], { kind: 'hardlink', mode: 0, size: 0, linkName: 'nope' }, 0)).toEqual({ status: 'dangling-link' });
    expect(tree.apply(['c'], { kind: 'hardlink', mode: 0, size: 0, linkName: '../../x' }, 0)).toEqual({ status: 'escape' });
  });
});

describe('SquashTree against a reference model', () => {
  const dirs = ['d1', 'd2', 'd1/s'];
  const files = ['d1/f1', 'd1/s/f2', 'd2/f3', 'f4'];
  type Op = { op: 'write'; path: string } | { op: 'whiteout'; path: string } | { op: 'opaque'; path: string };
  const opArb = fc.oneof(
    fc.constantFrom(...files).map((path): Op => ({ op: 'write', path })),
    fc.constantFrom(...dirs, ...files).map((path): Op => ({ op: 'whiteout', path })),
    fc.constantFrom(...dirs).map((path): Op => ({ op: 'opaque', path })),
  );

  /** Applies a layer the way the spec describes: first its deletions to lower layers, then its own entries. */
  function reference(state: Map<string, number>, ops: Op[], layer: number): void {
    const removeBelow = (dir: string) => {
      for (const path of [...state.keys()]) if (path.startsWith(`${dir}/`)) state.delete(path);
    };
    const ensureParents = (path: string) => {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) if (!state.has(parts.slice(0, i).join('/'))) state.set(parts.slice(0, i).join('/'), -1);
    };
    for (const op of ops) {
      if (op.op === 'whiteout') {
        state.delete(op.path);
        removeBelow(op.path);
      } else if (op.op === 'opaque') removeBelow(op.path);
    }
    for (const op of ops) {
      if (op.op === 'write') {
        ensureParents(op.path);
        state.set(op.path, layer);
      } else if (op.op === 'opaque') {
        ensureParents(`${op.path}/x`);
      }
    }
  }

  it('gives the same files and layers whatever the order of entries within a layer', () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { maxLength: 6 }), { minLength: 1, maxLength: 4 }), (layers) => {
        const tree = new SquashTree();
        const state = new Map<string, number>();
        layers.forEach((ops, layer) => {
          reference(state, ops, layer);
          applyLayer(
            tree,
            layer,
            ops.map((op) => {
              if (op.op === 'write') return op.path;
              const slash = op.path.lastIndexOf('/');
              if (op.op === 'opaque') return `${op.path}/.wh..wh..opq`;
              return `${op.path.slice(0, slash + 1)}.wh.${op.path.slice(slash + 1)}`;
            }),
          );
        });
        const expected = [...state]
          .map(([path, layer]) => (files.includes(path) ? `/${path}@${layer}` : `/${path}/`))
          .sort();
        const actual = listing(tree)
          .map((entry) => (entry.includes('/@') ? entry.slice(0, entry.indexOf('@')) : entry))
          .sort();
        expect(actual).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
