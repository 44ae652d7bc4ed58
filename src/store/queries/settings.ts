/** @module The service's own small facts, by key (the last vulnerability database change re-evaluated, …). */
import type { Store } from '../store.js';
import { now, type QueryContext } from './context.js';

export function settingQueries(ctx: QueryContext) {
  return {
    async getSetting(key: string) {
      const row = await ctx.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },

    async putSetting(key: string, value: string) {
      const at = now();
      await ctx.db
        .insertInto('settings')
        .values({ key, value, updated_at: at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
        .execute();
    },
  } satisfies Partial<Store>;
}
