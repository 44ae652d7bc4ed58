/**
 * @module The job queue of a service on PostgreSQL: pg-boss in its own schema (`vigil_jobs`) of the
 * store's database, so a server and any number of `vigil worker` processes share the work. pg-boss
 * hands each job to one worker (its fetch takes rows with FOR UPDATE SKIP LOCKED and marks them
 * active in the same statement), so a job runs once unless its worker dies.
 *
 * A worker that dies mid-job cannot say so; pg-boss notices through the job's expiry. Every job is
 * sent with an expiry for its kind (`defaultExpireInSeconds`: long enough for the biggest legitimate
 * run, because a job still running at its expiry is failed and retried); maintenance, which one of
 * the connected processes runs every `maintenanceIntervalSeconds`, fails expired active jobs, and a
 * failed job with retries left goes back to the queue after its retry delay (30 s, doubling with
 * jitter). So a crashed worker's scan starts again within expiry + maintenance interval + delay
 * (at most ~31.5 min by default), with its scan record's attempts counting 2. Jobs carry their
 * own expiry and retry settings, so the sender decides them, whichever process created the queues.
 *
 * stop() stops fetching and waits up to `stopTimeoutMs` (60 s) for running jobs; jobs still running
 * then are failed, and so retried elsewhere. Limits: a job still running at its expiry is retried
 * by another worker while the first goes on (pg-boss has no heartbeat), hence the long expiries;
 * and a job whose worker dies on its last attempt ends failed in pg-boss with nobody to record it
 * (its scan stays RUNNING until the hourly maintenance records it FAILED: service/abandoned-scans.ts).
 */
import PgBoss from 'pg-boss';
import { describeError } from '../errors.js';
import type { ServiceContext } from '../service/context.js';
import { DEFAULT_RETRY_LIMIT, jobNames, jobQueueing, type JobHandler, type JobName, type JobPayloads, type JobQueue, type SendOptions } from './types.js';

export const DEFAULT_JOB_SCHEMA = 'vigil_jobs';

/** How long a job may stay active before it is taken for lost (and retried). */
export const defaultExpireInSeconds: { [N in JobName]: number } = {
  // Inventorying a large image or root filesystem can take many minutes.
  scan: 30 * 60,
  // Re-matching many stored inventories.
  reevaluate: 30 * 60,
  retention: 15 * 60,
  suppression: 15 * 60,
};

export interface PgBossQueueOptions {
  /** The PostgreSQL database (the store's). */
  url: string;
  /** The schema pg-boss keeps its tables in (default `vigil_jobs`). */
  schema?: string;
  /** Jobs of each name this process runs at once (default 2). */
  concurrency?: number;
  /** How often an idle worker asks for a job (default 2 s; pg-boss's least is 0.5 s). */
  pollingIntervalSeconds?: number;
  /** How often expired jobs are failed (and so retried) and old ones archived (default 30 s). */
  maintenanceIntervalSeconds?: number;
  /** Expiry of the jobs this process sends, by name (defaults: `defaultExpireInSeconds`). */
  expireInSeconds?: Partial<Record<JobName, number>>;
  /** Delay before the first retry of the jobs this process sends; doubles, with jitter (default 30 s; 0 retries at once). */
  retryDelaySeconds?: number;
  /** How long stop() waits for running jobs before handing them back to the queue (default 60 s). */
  stopTimeoutMs?: number;
  /** Connections pg-boss keeps (default 4). */
  maxConnections?: number;
}

/** Ids this process sent and has not seen finish, for idle(); the oldest are forgotten beyond this. */
const MAX_TRACKED_SENDS = 10_000;
const IDLE_POLL_MS = 100;
const FINAL_STATES = new Set(['completed', 'failed', 'cancelled']);

export class PgBossJobQueue implements JobQueue {
  readonly kind = 'pg-boss' as const;
  private readonly boss: PgBoss;
  private readonly options: Required<Omit<PgBossQueueOptions, 'expireInSeconds'>> & { expireInSeconds: { [N in JobName]: number } };
  private readonly running = new Set<Promise<unknown>>();
  private readonly sent = new Map<string, JobName>();
  private startPromise: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: ServiceContext,
    options: PgBossQueueOptions,
  ) {
    this.options = {
      url: options.url,
      schema: options.schema ?? DEFAULT_JOB_SCHEMA,
      concurrency: Math.max(1, options.concurrency ?? 2),
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
      expireInSeconds: { ...defaultExpireInSeconds, ...options.expireInSeconds },
      retryDelaySeconds: options.retryDelaySeconds ?? 30,
      stopTimeoutMs: options.stopTimeoutMs ?? 60_000,
      maxConnections: options.maxConnections ?? 4,
    };
    this.boss = new PgBoss({
      connectionString: this.options.url,
      schema: this.options.schema,
      application_name: 'vigil-jobs',
      max: this.options.maxConnections,
      // Expiry, archiving and purging; pg-boss lets one connected process do it per interval.
      supervise: true,
      maintenanceIntervalSeconds: this.options.maintenanceIntervalSeconds,
      // The server's scheduler sends its periodic jobs itself; pg-boss's cron is not used.
      schedule: false,
    });
    // pg-boss reports failures of its background work here; an unheard 'error' would end the process.
    this.boss.on('error', (error) => this.ctx.log.error({ err: error }, `job queue: ${describeError(error)}`));
  }

  start(): Promise<void> {
    this.startPromise ??= (async () => {
      await this.boss.start();
      for (const name of jobNames) {
        await this.boss.createQueue(name, {
          name,
          // `one-waiting`: pg-boss's 'short' policy keeps at most one created job per singleton key.
          policy: jobQueueing[name] === 'one-waiting' ? 'short' : 'standard',
          retryLimit: DEFAULT_RETRY_LIMIT,
          retryDelay: this.options.retryDelaySeconds,
          retryBackoff: this.options.retryDelaySeconds > 0,
          expireInSeconds: this.options.expireInSeconds[name],
        });
      }
    })();
    return this.startPromise;
  }

  async send<N extends JobName>(name: N, payload: JobPayloads[N], options: SendOptions = {}): Promise<string | null> {
    if (this.stopped) throw new Error(`cannot queue a ${name} job: the job queue is stopped`);
    await this.start();
    const singletonKey = jobQueueing[name] === 'one-waiting' ? options.singletonKey : undefined;
    const id = await this.boss.send(name, payload as object, {
      ...(singletonKey !== undefined ? { singletonKey } : {}),
      retryLimit: options.retryLimit ?? DEFAULT_RETRY_LIMIT,
      retryDelay: this.options.retryDelaySeconds,
      retryBackoff: this.options.retryDelaySeconds > 0,
      expireInSeconds: this.options.expireInSeconds[name],
    });
    if (id) this.track(id, name);
    return id;
  }

  async work<N extends JobName>(name: N, handler: JobHandler<N>): Promise<void> {
    await this.start();
    const run = async ([job]: PgBoss.JobWithMetadata<JobPayloads[N]>[]) => {
      if (!job) return;
      const attempt = job.retryCount + 1;
      const retriesLeft = job.retryCount < job.retryLimit;
      const log = this.ctx.log.child({ job: { id: job.id, name, attempt } });
      const started = Date.now();
      const done = handler(job.data, this.ctx, { id: job.id, name, attempt, lastAttempt: !retriesLeft });
      this.running.add(done);
      try {
        await done;
        this.sent.delete(job.id);
        log.debug({ ms: Date.now() - started }, 'job done');
      } catch (error) {
        if (!retriesLeft) this.sent.delete(job.id);
        log[retriesLeft ? 'warn' : 'error']({ err: error }, `job failed${retriesLeft ? ', retrying' : ', no retry left'}: ${describeError(error)}`);
        // pg-boss marks the job failed (and schedules its retry) when the handler throws.
        throw error;
      } finally {
        this.running.delete(done);
      }
    };
    for (let i = 0; i < this.options.concurrency; i++) {
      let workerId: string | undefined;
      workerId = await this.boss.work<JobPayloads[N]>(
        name,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.options.pollingIntervalSeconds },
        async (jobs) => {
          try {
            await run(jobs);
          } finally {
            // A worker that just ran a job asks again at once, rather than after the polling interval.
            if (workerId) this.boss.notifyWorker(workerId);
          }
        },
      );
    }
  }

  async idle(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      for (const [id, name] of [...this.sent]) {
        const job = await this.boss.getJobById(name, id, { includeArchive: true });
        if (!job || FINAL_STATES.has(job.state)) this.sent.delete(id);
      }
      if (this.sent.size === 0 && this.running.size === 0) return;
      await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.startPromise) return;
    if (!(await this.startPromise.then(() => true, () => false))) {
      await this.boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      return;
    }
    // Stops fetching, waits for the running jobs (up to the timeout; then they are failed, and so
    // retried by another worker), and closes pg-boss's connections.
    await this.boss.stop({ graceful: true, wait: true, timeout: this.options.stopTimeoutMs });
    if (this.running.size > 0) this.ctx.log.warn({ jobs: this.running.size }, 'stopped with jobs still running; they were handed back to the queue');
  }

  private track(id: string, name: JobName): void {
    this.sent.set(id, name);
    if (this.sent.size > MAX_TRACKED_SENDS) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
  }
}
