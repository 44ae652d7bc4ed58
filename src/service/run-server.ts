/**
 * @module `vigil server` as a library: the store (migrated), the vulnerability database followed
 * across swaps, the job queue with this process working it, the scheduler and the HTTP API, all
 * started together and stopped together.
 */
import pino, { type Logger } from 'pino';
import { buildApp, type VigilApp } from '../api/app.js';
import { startWorking } from '../jobs/handlers/index.js';
import { openJobQueue } from '../jobs/index.js';
import type { JobQueue } from '../jobs/types.js';
import { ensureDefaultAccount, type BootstrapResult } from './bootstrap.js';
import { DEFAULT_SETTINGS, type ServiceContext, type ServiceSettings } from './context.js';
import { openServiceStore, type StoreLocation } from './open-store.js';
import { startScheduler } from './scheduler.js';
import { openVulnDbHandle } from './vulndb-handle.js';

export interface ServerOptions {
  store: StoreLocation;
  vulndbPath: string;
  host: string;
  port: number;
  settings?: Partial<ServiceSettings>;
  log?: Logger;
}

export interface RunningServer {
  app: VigilApp;
  ctx: ServiceContext;
  jobs: JobQueue;
  /** The address it listens on (the port chosen when 0 was asked for). */
  url: string;
  bootstrap: BootstrapResult;
  stop(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? pino();
  const store = await openServiceStore(options.store, { longLived: true });
  const cleanups: Array<() => Promise<void> | void> = [() => store.close()];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step();
  };
  try {
    const vulndb = await openVulnDbHandle(options.vulndbPath, { log });
    cleanups.push(() => vulndb.close());
    const settings: ServiceSettings = { ...DEFAULT_SETTINGS, ...options.settings };
    const ctx: ServiceContext = { store, vulndb, settings, log, now: () => new Date() };
    const bootstrap = await ensureDefaultAccount(store, settings.defaultRegion);
    const jobs = await openJobQueue(ctx, options.store.kind === 'postgres' ? { kind: 'pg-boss', url: options.store.url } : { kind: 'in-process' });
    cleanups.push(() => jobs.stop());
    await startWorking(jobs, ctx);
    const app = await buildApp({ ctx, jobs });
    cleanups.push(() => app.close());
    const url = await app.listen({ host: options.host, port: options.port });
    cleanups.push(startScheduler(ctx, jobs));
    return { app, ctx, jobs, url, bootstrap, stop: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
