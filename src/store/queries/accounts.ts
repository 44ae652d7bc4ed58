/** @module Accounts and their API keys. */
import { newId, type AccountId, type ApiKeyId } from '../ids.js';
import type { ApiKeyRole } from '../records.js';
import * as rows from '../rows.js';
import type { Store } from '../store.js';
import { now, requireAccount, type QueryContext } from './context.js';

export function accountQueries(ctx: QueryContext) {
  return {
    async createAccount(input: { id?: AccountId; name: string; region: string }) {
      const row = { id: input.id ?? newId('AccountId'), name: input.name, region: input.region, created_at: now() };
      await ctx.db.insertInto('accounts').values(row).execute();
      return rows.accountFromRow(row);
    },

    async getAccount(id: AccountId) {
      const row = await ctx.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && rows.accountFromRow(row);
    },

    async listAccounts() {
      return (await ctx.db.selectFrom('accounts').selectAll().orderBy('id').execute()).map(rows.accountFromRow);
    },

    async createApiKey(input: { accountId: AccountId; role: ApiKeyRole; keyHash: string }) {
      await requireAccount(ctx, input.accountId);
      const row = { id: newId('ApiKeyId'), account_id: input.accountId, role: input.role, key_hash: input.keyHash, created_at: now(), revoked_at: null };
      await ctx.db.insertInto('api_keys').values(row).execute();
      return rows.apiKeyFromRow(row);
    },

    async findApiKeyByHash(keyHash: string) {
      const row = await ctx.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
      return row && rows.apiKeyFromRow(row);
    },

    async listApiKeys(accountId: AccountId) {
      return (await ctx.db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId).orderBy('id').execute()).map(rows.apiKeyFromRow);
    },

    async revokeApiKey(accountId: AccountId, id: ApiKeyId) {
      const result = await ctx.db
        .updateTable('api_keys')
        .set({ revoked_at: now() })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  } satisfies Partial<Store>;
}
