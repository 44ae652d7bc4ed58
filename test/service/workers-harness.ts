/**
 * What the job queue and worker tests share: a real service context (a real store, a real
 * vulnerability database file, a pino logger whose lines the test reads), scan targets written
 * to a temporary folder, and a PostgreSQL database of the test run's own.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DEFAULT_RETENTION } from '../../src/findings/index.js';
import type { ServiceContext, VulnDbHandle } from '../../src/service/context.js';
import { openVulnDbHandle } from '../../src/service/vulndb-handle.js';
import type { Account, Resource, Store } from '../../src/store/index.js';
import { buildTestDb, fixtureAdvisories } from '../harness/vulndb.js';

export type LogLine = { level: number; msg: string; [key: string]: unknown };

export interface JobTestContext {
  ctx: ServiceContext;
  /** Every log line written so far, parsed. */
  logs: LogLine[];
  vulndbPath: string;
  close(): Promise<void>;
}

/** A context on `store` with a real database file (the fixture advisories), followed by the service's own handle. */
export async function jobTestContext(store: Store, options: { vulndb?: (handle: VulnDbHandle) => VulnDbHandle } = {}): Promise<JobTestContext> {
  const db = buildTestDb(fixtureAdvisories());
  db.reader.close();
  const logs: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const handle = await openVulnDbHandle(db.path, { log, watch: false });
  const vulndb = options.vulndb ? options.vulndb(handle) : handle;
  const ctx: ServiceContext = {
    store,
    vulndb,
    log,
    settings: { retention: DEFAULT_RETENTION, reopenWindowDays: 7, defaultRegion: 'eu-west-1', scanRoots: [] },
    now: () => new Date(),
  };
  return {
    ctx,
    logs,
    vulndbPath: db.path,
    close: async () => {
      await handle.close();
      db.dispose();
    },
  };
}

/** Scan targets: folders holding an npm lockfile (lodash 4.17.20, which the fixture advisories hit). */
export class TargetFolders {
  readonly root = mkdtempSync(join(tmpdir(), 'vigil-jobs-targets-'));
  private count = 0;

  /** A folder with lodash 4.17.20 and `extra` more packages (more takes longer to scan). */
  npmApp(extra = 0): string {
    const dir = join(this.root, `app-${++this.count}`);
    mkdirSync(dir);
    const packages: Record<string, unknown> = {
      '': { name: 'app', version: '1.0.0', dependencies: { lodash: '^4.17.20' } },
      'node_modules/lodash': { version: '4.17.20', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz' },
    };
    for (let i = 0; i < extra; i++) packages[`node_modules/pkg-${i}`] = { version: `1.${i % 50}.0`, resolved: `https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.0.tgz` };
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }));
    return dir;
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export async function makeAccount(store: Store): Promise<Account> {
  return store.createAccount({ name: `acme-${randomBytes(3).toString('hex')}`, region: 'eu-west-1' });
}

export async function makeHost(store: Store, account: Account, name: string): Promise<Resource> {
  return store.createResource({ type: 'HOST', details: {}, accountId: account.id, region: account.region, name });
}

/** Resolves when `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export { adminUrl as adminDatabaseUrl, createTestDatabase, postgresUnavailable as postgresUnreachable } from '../harness/postgres.js';
