/**
 * @module The server's clock-driven work: a re-evaluation whenever a new vulnerability database is
 * swapped in (and once at start, to catch up with a swap made while the server was down), and
 * the retention purge every hour. Jobs are sent as singletons, so several servers on one
 * PostgreSQL queue each at most once at a time.
 */
import type { JobQueue } from '../jobs/types.js';
import type { ServiceContext } from './context.js';

export interface SchedulerOptions {
  /** How often the retention purge runs (default one hour). */
  retentionEveryMs?: number;
}

export function startScheduler(ctx: ServiceContext, jobs: JobQueue, options: SchedulerOptions = {}): () => void {
  const send = (reason: string) =>
    jobs.send('reevaluate', { reason }, { singletonKey: 'reevaluate' }).catch((error: unknown) => ctx.log.error({ err: error }, 'could not queue a re-evaluation'));
  const unsubscribe = ctx.vulndb.onSwap(() => void send('vulnerability database swapped in'));
  void send('server started');

  const purge = () => jobs.send('retention', {}, { singletonKey: 'retention' }).catch((error: unknown) => ctx.log.error({ err: error }, 'could not queue the retention purge'));
  void purge();
  const timer = setInterval(purge, options.retentionEveryMs ?? 60 * 60 * 1000);
  timer.unref();

  return () => {
    unsubscribe();
    clearInterval(timer);
  };
}
