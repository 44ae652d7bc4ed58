/**
 * @module The job queue of a server on SQLite: jobs run in this process, a few at a time, retried
 * with a doubling delay, and nothing outlives the process but the store. A scan is the one job a
 * user waits on, so on start every scan the store still has QUEUED or RUNNING (a previous process
 * stopped or crashed before finishing it) is queued again, unless it has been started as many
 * times as a job's attempts (then it is FAILED, so a scan that kills the process cannot do so at
 * every start); the other jobs are re-sent by the scheduler or the next change anyway.
 */
import { randomUUID } from 'node:crypto';
import { describeError } from '../errors.js';
import type { ServiceContext } from '../service/context.js';
import { DEFAULT_RETRY_LIMIT, jobQueueing, type JobHandler, type JobName, type JobPayloads, type JobQueue, type SendOptions } from './types.js';

export interface InProcessQueueOptions {
  /** Jobs running at once, of any name (default 2). */
  concurrency?: number;
  /** Delay before the first retry; each further retry waits twice as long (default 1 s). */
  retryDelayMs?: number;
  /** The longest delay between retries (default 1 min). */
  maxRetryDelayMs?: number;
}

interface QueuedJob {
  id: string;
  name: JobName;
  payload: unknown;
  /** The key it is deduplicated by while it waits for its first run, for `one-waiting` names. */
  singletonKey: string | undefined;
  retryLimit: number;
  attempt: number;
}

type AnyHandler = (payload: unknown, ctx: ServiceContext, job: { id: string; name: JobName; attempt: number; lastAttempt: boolean }) => Promise<void>;

export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private readonly concurrency: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly handlers = new Map<JobName, AnyHandler>();
  /** Ready to run, oldest first (a job whose name has no handler here waits until one is added). */
  private readonly waiting: QueuedJob[] = [];
  /** Failed, waiting for their retry delay. */
  private readonly retrying = new Map<string, { job: QueuedJob; timer: NodeJS.Timeout }>();
  private readonly running = new Map<string, Promise<void>>();
  private idleWaiters: Array<() => void> = [];
  private started = false;
  private stopped = false;

  constructor(
    private readonly ctx: ServiceContext,
    options: InProcessQueueOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    let requeued = 0;
    for (const scan of await this.ctx.store.listUnfinishedScans()) {
      // A scan that was running each time the process died (one that exhausts memory, say) is
      // given up rather than crashing every start: as many starts as a job's attempts.
      if (scan.attempts > DEFAULT_RETRY_LIMIT) {
        const error = `the service stopped while running this scan, ${scan.attempts} times; not tried again`;
        await this.ctx.store.finishScan(scan.id, { status: 'FAILED', error }, this.ctx.now().toISOString());
        this.ctx.log.warn({ scanId: scan.id, attempts: scan.attempts }, error);
        continue;
      }
      this.enqueue('scan', { scanId: scan.id }, {});
      requeued++;
    }
    if (requeued > 0) this.ctx.log.info({ scans: requeued }, 'queued again the scans a previous process left unfinished');
    this.pump();
  }

  async send<N extends JobName>(name: N, payload: JobPayloads[N], options: SendOptions = {}): Promise<string | null> {
    if (this.stopped) throw new Error(`cannot queue a ${name} job: the job queue is stopped`);
    const id = this.enqueue(name, payload, options);
    this.pump();
    return id;
  }

  async work<N extends JobName>(name: N, handler: JobHandler<N>): Promise<void> {
    if (this.handlers.has(name)) throw new Error(`a handler for ${name} jobs is already registered`);
    this.handlers.set(name, handler as unknown as AnyHandler);
    this.pump();
  }

  /** Resolves at once after stop(): nothing more runs in this process. */
  idle(): Promise<void> {
    if (this.stopped || this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.retrying.values()) clearTimeout(timer);
    this.retrying.clear();
    // Running jobs finish; none starts after them (pump does nothing once stopped).
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private enqueue(name: JobName, payload: unknown, options: SendOptions): string | null {
    const singletonKey = jobQueueing[name] === 'one-waiting' ? (options.singletonKey ?? '') : undefined;
    if (singletonKey !== undefined && this.waiting.some((job) => job.name === name && job.singletonKey === singletonKey && job.attempt === 1)) return null;
    const job: QueuedJob = {
      id: randomUUID(),
      name,
      // A handler sees plain JSON, as it does from pg-boss, never the sender's object.
      payload: JSON.parse(JSON.stringify(payload)) as unknown,
      singletonKey,
      retryLimit: options.retryLimit ?? DEFAULT_RETRY_LIMIT,
      attempt: 1,
    };
    this.waiting.push(job);
    return job.id;
  }

  private pump(): void {
    if (this.stopped) return;
    while (this.running.size < this.concurrency) {
      const index = this.waiting.findIndex((job) => this.handlers.has(job.name));
      if (index < 0) break;
      const [job] = this.waiting.splice(index, 1);
      if (job) this.run(job);
    }
    this.notifyIfIdle();
  }

  private run(job: QueuedJob): void {
    const handler = this.handlers.get(job.name);
    if (!handler) return;
    const lastAttempt = job.attempt > job.retryLimit;
    const delivery = { id: job.id, name: job.name, attempt: job.attempt, lastAttempt };
    const log = this.ctx.log.child({ job: { id: job.id, name: job.name, attempt: job.attempt } });
    const done = (async () => {
      const started = Date.now();
      try {
        await handler(job.payload, this.ctx, delivery);
        log.debug({ ms: Date.now() - started }, 'job done');
      } catch (error) {
        if (lastAttempt || this.stopped) {
          log.error({ err: error }, `job failed, no retry left: ${describeError(error)}`);
        } else {
          const delayMs = Math.min(this.retryDelayMs * 2 ** (job.attempt - 1), this.maxRetryDelayMs);
          log.warn({ err: error, retryInMs: delayMs }, `job failed, retrying: ${describeError(error)}`);
          this.retryLater({ ...job, attempt: job.attempt + 1 }, delayMs);
        }
      }
    })();
    this.running.set(job.id, done);
    void done.finally(() => {
      this.running.delete(job.id);
      this.pump();
    });
  }

  private retryLater(job: QueuedJob, delayMs: number): void {
    const timer = setTimeout(() => {
      this.retrying.delete(job.id);
      this.waiting.push(job);
      this.pump();
    }, delayMs);
    timer.unref();
    this.retrying.set(job.id, { job, timer });
  }

  /** Nothing this process can run is waiting, retrying or running. */
  private isIdle(): boolean {
    return this.running.size === 0 && this.retrying.size === 0 && !this.waiting.some((job) => this.handlers.has(job.name));
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
