/**
 * @module The retention purge: CLOSED findings are deleted once they have been closed for the
 * policy's days (30 by default), those of deleted resources sooner (3), and deleted resources with
 * no finding left go with them. The store runs the rule (`purgeFindings`); this names the cutoffs
 * from the settings and the clock.
 */
import type { RetentionPolicy } from '../findings/index.js';
import type { PurgeResult, RetentionCutoffs } from '../store/index.js';
import type { ServiceContext } from './context.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The cutoffs of a policy at `now`: a finding closed at or before a cutoff goes, as `purgeable` says. */
export function retentionCutoffs(policy: RetentionPolicy, now: Date): RetentionCutoffs {
  return {
    closedBefore: new Date(now.getTime() - policy.closedDays * DAY_MS).toISOString(),
    deletedResourceClosedBefore: new Date(now.getTime() - policy.deletedResourceDays * DAY_MS).toISOString(),
  };
}

export async function purgeExpiredFindings(ctx: ServiceContext): Promise<PurgeResult> {
  return ctx.store.purgeFindings(retentionCutoffs(ctx.settings.retention, ctx.now()));
}
