/**
 * "A process killed at any moment leaves either the old findings or the new ones, never a mix"
 * (issue 5): a child process pushes an inventory that closes 600 findings and opens 600 others,
 * and is killed with SIGKILL after a different delay each round; the store left behind holds one
 * whole picture or the other, and opens and takes the next push as if nothing happened.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/model/inventory.js';
import { reconcileInventory } from '../../src/service/reconcile-inventory.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { buildTestDb } from '../harness/vulndb.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const COUNT = 600;

const advisories = Array.from({ length: 2 * COUNT }, (_, i) => ({
  schema_version: '1.6.0',
  id: `GHSA-test-${String(i).padStart(4, '0')}`,
  modified: '2026-01-01T00:00:00Z',
  summary: `flaw ${i}`,
  affected: [{ package: { ecosystem: 'npm', name: `pkg-${i}` }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
}));

function inventory(from: number, createdAt: string): Inventory {
  return {
    target: { kind: 'directory', name: 'app', path: '/app' },
    packages: Array.from({ length: COUNT }, (_, k) => {
      const name = `pkg-${from + k}`;
      return { type: 'npm' as const, ecosystem: 'npm', name, version: '1.0.0', purl: `pkg:npm/${name}@1.0.0`, locations: [{ path: '/app/package-lock.json' }], foundBy: 'npm-lock' };
    }),
    warnings: [],
    catalogers: [],
    createdAt,
    tool: { name: 'vigil', version: 'test' },
  };
}

/** Which picture the store holds: the names of the packages with open findings. */
async function openPackages(store: Store, resourceId: string): Promise<string[]> {
  const records = await store.listFindingsForResource(resourceId as never);
  return records.filter((r) => r.status === 'ACTIVE').map((r) => r.packageName).sort();
}

describe('a push killed at any moment', () => {
  let work: string;
  let db: ReturnType<typeof buildTestDb>;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'vigil-killed-push-'));
    db = buildTestDb(advisories);
  });
  afterAll(() => {
    db.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  /** One round: the child pushes and is killed `killAfterMs` after it starts, or once it is done. */
  async function round(label: string, killAfterMs: number | 'when-done'): Promise<{ which: 'old' | 'new' | 'mix'; pushMs: number; open: number }> {
    const path = join(work, `state-${label}.sqlite`);
    const store = await openSqliteStore(path);
    const account = await store.createAccount({ name: 'a', region: 'r' });
    const resource = await store.createResource({ accountId: account.id, region: 'r', type: 'HOST', name: 'h', details: {} });
    await reconcileInventory(store, db.reader, { accountId: account.id, resourceId: resource.id, inventory: inventory(0, '2026-11-01T00:00:00Z'), timestamp: '2026-11-01T00:00:00Z', now: new Date('2026-11-01T00:00:00Z') });
    await store.close();

    // The child pushes the second inventory with the built code.
    const script = `
      const { openSqliteStore } = await import(${JSON.stringify(join(repo, 'dist/store/index.js'))});
      const { reconcileInventory } = await import(${JSON.stringify(join(repo, 'dist/service/reconcile-inventory.js'))});
      const { VulnDbReader } = await import(${JSON.stringify(join(repo, 'dist/vulndb/reader.js'))});
      const store = await openSqliteStore(${JSON.stringify(path)});
      const reader = VulnDbReader.open(${JSON.stringify(db.path)});
      const inventory = JSON.parse(${JSON.stringify(JSON.stringify(inventory(COUNT, '2026-11-02T00:00:00Z')))});
      process.stdout.write('start\\n');
      const started = Date.now();
      await reconcileInventory(store, reader, { accountId: ${JSON.stringify(account.id)}, resourceId: ${JSON.stringify(resource.id)}, inventory, timestamp: '2026-11-02T00:00:00Z', now: new Date('2026-11-02T00:00:00Z') });
      process.stdout.write('done ' + (Date.now() - started) + '\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const seen = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => (output.includes(text) ? resolve() : undefined);
        child.stdout.on('data', (chunk: Buffer) => ((output += chunk.toString()), check()));
        void exited.then(() => (output.includes(text) ? resolve() : reject(new Error(`the child exited before "${text}": ${output}`))));
        check();
      });
    await seen('start');
    if (killAfterMs === 'when-done') await seen('done');
    else await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    child.kill('SIGKILL');
    await exited;

    const after = await openSqliteStore(path);
    const open = await openPackages(after, resource.id);
    const oldPicture = Array.from({ length: COUNT }, (_, k) => `pkg-${k}`).sort();
    const newPicture = Array.from({ length: COUNT }, (_, k) => `pkg-${COUNT + k}`).sort();
    const which = JSON.stringify(open) === JSON.stringify(oldPicture) ? 'old' : JSON.stringify(open) === JSON.stringify(newPicture) ? 'new' : 'mix';
    if (which !== 'mix') expect((await after.getInventory(resource.id))?.timestamp).toBe(which === 'old' ? '2026-11-01T00:00:00.000Z' : '2026-11-02T00:00:00.000Z');
    // The store takes the next push as if nothing had happened.
    const next = await reconcileInventory(after, db.reader, { accountId: account.id, resourceId: resource.id, inventory: inventory(0, '2026-11-03T00:00:00Z'), timestamp: '2026-11-03T00:00:00Z', now: new Date('2026-11-03T00:00:00Z') });
    expect(next.status).toBe('applied');
    expect(await openPackages(after, resource.id)).toEqual(oldPicture);
    await after.close();
    return { which, pushMs: Number(/done (\d+)/.exec(output)?.[1] ?? NaN), open: open.length };
  }

  it('leaves the old findings or the new ones, never a mix', async () => {
    // A push left to finish gives the new picture and says how long a push takes here.
    const whole = await round('whole', 'when-done');
    expect(whole.which).toBe('new');
    // Then kills spread over that time, from the first moment to well past it.
    for (const fraction of [0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.1]) {
      const killed = await round(`at-${fraction}`, Math.round(fraction * whole.pushMs));
      expect(killed.which, `killed ${Math.round(fraction * 100)}% into a ${whole.pushMs} ms push: ${killed.open} open findings`).not.toBe('mix');
      // Killed as it starts, nothing of the new push can have landed.
      if (fraction === 0) expect(killed.which).toBe('old');
    }
  }, 180_000);
});
