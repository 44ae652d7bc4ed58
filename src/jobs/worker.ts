/**
 * @module `vigil worker` as a library: a process that only works jobs, beside any number of others
 * and the servers, all on one PostgreSQL. It opens the store (migrated), follows the vulnerability
 * database file, and takes jobs from pg-boss until stopped.
 */
import type { Logger } from 'pino';
import { describeError, isVigilError } from '../errors.js';
import type { ServiceContext, ServiceSettings } from '../service/context.js';
import { DEFAULT_SETTINGS } from '../service/context.js';
import { openVulnDbHandle } from '../service/vulndb-handle.js';
import { openPostgresStore } from '../store/index.js';
import { startWorking } from './handlers/index.js';
import { openJobQueue } from './index.js';
import type { JobQueue } from './types.js';

export interface WorkerOptions {
  /** The PostgreSQL database of the store and the job queue. */
  url: string;
  vulndbPath: string;
  log: Logger;
  /** Jobs of each name run at once (default 2). */
  concurrency?: number;
  /** How often an idle worker asks for a job, in seconds (default 2). */
  pollingIntervalSeconds?: number;
  settings?: Partial<ServiceSettings>;
}

export interface RunningWorker {
  ctx: ServiceContext;
  jobs: JobQueue;
  /** Stops taking jobs, lets the running ones finish, and closes everything. */
  stop(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { log } = options;
  const store = await openPostgresStore(options.url);
  const cleanups: Array<() => Promise<void> | void> = [() => store.close()];
  const stop = async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  };
  try {
    const vulndb = await openVulnDbHandle(options.vulndbPath, { log });
    cleanups.push(() => vulndb.close());
    try {
      vulndb.current();
    } catch (error) {
      // Not fatal: the handle opens the file when it appears; scans fail meanwhile, saying why.
      if (!isVigilError(error)) throw error;
      log.warn({ vulndb: options.vulndbPath }, describeError(error));
    }
    const ctx: ServiceContext = { store, vulndb, settings: { ...DEFAULT_SETTINGS, ...options.settings }, log, now: () => new Date() };
    const jobs = await openJobQueue(ctx, {
      kind: 'pg-boss',
      url: options.url,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.pollingIntervalSeconds !== undefined ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}),
    });
    cleanups.push(() => jobs.stop());
    await startWorking(jobs, ctx);
    return { ctx, jobs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
