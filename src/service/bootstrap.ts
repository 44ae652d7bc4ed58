/**
 * @module The first start: a store with no account gets the default account and an admin key,
 * which is handed back once to be printed (only its digest is stored).
 */
import { issueApiKey } from '../api/auth.js';
import type { Account, Store } from '../store/index.js';

export const DEFAULT_ACCOUNT_NAME = 'default';

export type BootstrapResult = { created: false; account: Account } | { created: true; account: Account; adminKey: string };

/**
 * The default account, made with its first admin key when the store has no account at all. Runs
 * in one transaction, so two processes starting together on one PostgreSQL make one account.
 */
export async function ensureDefaultAccount(store: Store, region: string): Promise<BootstrapResult> {
  return store.transaction(async (tx) => {
    // Writing this row first serialises first starts on PostgreSQL: a second process waits on the
    // row lock, and its next statement (read committed) sees the account the first one made.
    // SQLite's BEGIN IMMEDIATE already runs them one after the other.
    await tx.putSetting('bootstrap-lock', new Date().toISOString());
    const accounts = await tx.listAccounts();
    const existing = accounts.find((a) => a.name === DEFAULT_ACCOUNT_NAME) ?? accounts[0];
    if (existing) return { created: false, account: existing };
    const account = await tx.createAccount({ name: DEFAULT_ACCOUNT_NAME, region });
    const { key } = await issueApiKey(tx, { accountId: account.id, role: 'admin' });
    return { created: true, account, adminKey: key };
  });
}
