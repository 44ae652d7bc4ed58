/**
 * A real service for API tests: the SQLite store in memory, a real vulnerability database file,
 * the in-process job queue, and the Fastify app driven with `inject()`. Two accounts, each with an
 * admin, a member and a read-only key, so tests can check that nothing crosses accounts or roles.
 */
import pino from 'pino';
import { buildApp, type VigilApp } from '../../src/api/app.js';
import { issueApiKey } from '../../src/api/auth.js';
import { DEFAULT_RETENTION } from '../../src/findings/index.js';
import { openJobQueue } from '../../src/jobs/index.js';
import { startWorking } from '../../src/jobs/handlers/index.js';
import type { JobQueue } from '../../src/jobs/types.js';
import type { ServiceContext } from '../../src/service/context.js';
import { startScheduler } from '../../src/service/scheduler.js';
import { openVulnDbHandle } from '../../src/service/vulndb-handle.js';
import { openSqliteStore, type AccountId, type ApiKeyRole, type Store } from '../../src/store/index.js';
import { buildTestDb, fixtureAdvisories } from './vulndb.js';

export interface TestAccount {
  accountId: AccountId;
  keys: Record<ApiKeyRole, string>;
}

export interface TestService {
  app: VigilApp;
  ctx: ServiceContext;
  store: Store;
  jobs: JobQueue;
  /** The vulnerability database file the service follows; rename a new one over it to swap. */
  vulndbPath: string;
  alice: TestAccount;
  bob: TestAccount;
  /** `Authorization` headers for a key. */
  auth(key: string): { authorization: string };
  /** Waits until the job queue has nothing queued or running. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

async function makeAccount(store: Store, name: string): Promise<TestAccount> {
  const account = await store.createAccount({ name, region: 'eu-west-1' });
  const keys = {} as Record<ApiKeyRole, string>;
  for (const role of ['admin', 'member', 'read-only'] as const) keys[role] = (await issueApiKey(store, { accountId: account.id, role })).key;
  return { accountId: account.id, keys };
}

export interface TestServiceOptions {
  /** OSV records for the vulnerability database (default: test/fixtures/match/advisories.json). */
  advisories?: unknown[];
  /** The clock; real time by default. */
  now?: () => Date;
  store?: Store;
  /** The folders scans may read (default: the whole file system). */
  scanRoots?: string[];
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const db = buildTestDb(options.advisories ?? fixtureAdvisories());
  db.reader.close();
  const log = pino({ level: process.env.VIGIL_TEST_LOG ?? 'silent' });
  const store = options.store ?? (await openSqliteStore(':memory:'));
  const vulndb = await openVulnDbHandle(db.path, { log, pollIntervalMs: 50 });
  const ctx: ServiceContext = {
    store,
    vulndb,
    log,
    settings: { retention: DEFAULT_RETENTION, reopenWindowDays: 7, defaultRegion: 'eu-west-1', scanRoots: options.scanRoots ?? ['/'] },
    now: options.now ?? (() => new Date()),
  };
  const jobs = await openJobQueue(ctx, { kind: 'in-process' });
  await startWorking(jobs, ctx);
  const stopScheduler = startScheduler(ctx, jobs);
  const app = await buildApp({ ctx, jobs });
  await app.ready();
  const alice = await makeAccount(store, 'alice');
  const bob = await makeAccount(store, 'bob');
  return {
    app,
    ctx,
    store,
    jobs,
    vulndbPath: db.path,
    alice,
    bob,
    auth: (key) => ({ authorization: `Bearer ${key}` }),
    settle: () => jobs.idle(),
    close: async () => {
      stopScheduler();
      await app.close();
      await jobs.stop();
      await vulndb.close();
      await store.close();
      db.dispose();
    },
  };
}
