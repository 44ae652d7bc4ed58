/**
 * @module The jobs the service runs, by name, with what each carries. Payloads are plain JSON (pg-boss
 * stores them as jsonb); a handler looks everything else up in the store when it runs.
 */
import type { ServiceContext } from '../service/context.js';

export interface JobPayloads {
  /** Scan a target the server can read for one resource (`POST /v1/scans`). */
  scan: { scanId: string };
  /** Re-match the stored inventories that hold packages whose advisories changed. */
  reevaluate: { reason: string };
  /** Purge closed findings past their retention. */
  retention: Record<string, never>;
  /** Re-apply an account's suppression rules to its findings after a rule changed. */
  suppression: { accountId: string };
}

export type JobName = keyof JobPayloads;

/**
 * How each job name is queued, the same on both queues:
 * - `each`: every job sent runs (a scan is its own record; `singletonKey` is ignored);
 * - `one-waiting`: at most one job per `singletonKey` waits at a time (no key counts as one key of
 *   its own); a send while one waits is dropped (resolves to null), since the waiting job will do
 *   the work. A job already running does not count, so a change made during a run queues another.
 */
export const jobQueueing = {
  scan: 'each',
  reevaluate: 'one-waiting',
  retention: 'one-waiting',
  suppression: 'one-waiting',
} as const satisfies { [N in JobName]: 'each' | 'one-waiting' };

export const jobNames = Object.keys(jobQueueing) as JobName[];

export interface SendOptions {
  /** At most one queued job with this key at a time (a second send is dropped); see `jobQueueing`. */
  singletonKey?: string;
  /** Attempts after the first failure (default 2). */
  retryLimit?: number;
}

export const DEFAULT_RETRY_LIMIT = 2;

/** Which delivery of a job a handler is running. */
export interface JobDelivery<N extends JobName> {
  id: string;
  name: N;
  /** 1 on the first delivery, 2 on the first retry (a failure, or a worker that died mid-job), … */
  attempt: number;
  /** No retry follows if this delivery fails: a handler records the failure where users see it. */
  lastAttempt: boolean;
}

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], ctx: ServiceContext, job: JobDelivery<N>) => Promise<void>;

/** Where jobs go: run in this process (SQLite) or through pg-boss (PostgreSQL, any number of workers). */
export interface JobQueue {
  readonly kind: 'in-process' | 'pg-boss';
  start(): Promise<void>;
  /** Queues a job; resolves to its id, or null when a singleton of the same key is already queued. */
  send<N extends JobName>(name: N, payload: JobPayloads[N], options?: SendOptions): Promise<string | null>;
  /** Runs jobs of `name` in this process with `handler` (a server or a worker calls this). */
  work<N extends JobName>(name: N, handler: JobHandler<N>): Promise<void>;
  /**
   * Resolves once no job this process has sent or taken is queued or running (tests and
   * benchmarks wait on it; for pg-boss, the jobs this process's workers are running).
   */
  idle(): Promise<void>;
  /** Stops taking jobs and waits for the running ones to end. */
  stop(): Promise<void>;
}
