/** @module The 'suppression' job: an account's suppression rules changed; judge its open findings again. */
import { reapplySuppression } from '../../service/reapply-suppression.js';
import type { JobHandler } from '../types.js';

export const handleSuppression: JobHandler<'suppression'> = async (payload, ctx) => {
  const result = await reapplySuppression(ctx, payload.accountId);
  ctx.log.info({ accountId: payload.accountId, ...result }, 'suppression rules applied');
};
