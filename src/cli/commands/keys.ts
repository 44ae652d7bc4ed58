/**
 * @module `vigil keys`: make, list and revoke API keys in the service's store (the same
 * `--database` as `vigil server`). A new key is printed once; only its digest is kept.
 */
import { Command, Option } from 'commander';
import { VigilError } from '../../errors.js';
import { asId } from '../../store/ids.js';
import { apiKeyRoles, type Account, type ApiKeyRole } from '../../store/records.js';
import type { Store } from '../../store/store.js';

interface KeyFlags {
  database?: string;
  account?: string;
}

const databaseOption = () => new Option('--database <url>', 'postgres://… URL (or VIGIL_DATABASE_URL), or a SQLite file; default $VIGIL_HOME/vigil.sqlite');
const accountOption = () => new Option('--account <id>', 'the account (default: the default account)');

async function withStore<T>(flags: KeyFlags, body: (store: Store, account: Account) => Promise<T>): Promise<T> {
  // The store and its drivers load here, not with every vigil command.
  const [{ openServiceStore, storeLocation }, { ensureDefaultAccount }, { DEFAULT_SETTINGS }] = await Promise.all([
    import('../../service/open-store.js'),
    import('../../service/bootstrap.js'),
    import('../../service/context.js'),
  ]);
  const store = await openServiceStore(storeLocation(flags.database));
  try {
    let account: Account | undefined;
    if (flags.account) {
      account = await store.getAccount(asId('AccountId', flags.account));
      if (!account) throw new VigilError('INVALID_ARGUMENT', `no account ${flags.account}`);
    } else {
      account = (await ensureDefaultAccount(store, DEFAULT_SETTINGS.defaultRegion)).account;
    }
    return await body(store, account);
  } finally {
    await store.close();
  }
}

export function keysCommand(): Command {
  const keys = new Command('keys').description('make, list and revoke API keys');

  keys
    .command('create')
    .description('make an API key and print it once')
    .addOption(new Option('--role <role>', 'what the key may do').choices([...apiKeyRoles]).makeOptionMandatory())
    .addOption(accountOption())
    .addOption(databaseOption())
    .action(async (flags: KeyFlags & { role: ApiKeyRole }) => {
      await withStore(flags, async (store, account) => {
        const { issueApiKey } = await import('../../api/auth.js');
        const { key, record } = await issueApiKey(store, { accountId: account.id, role: flags.role });
        process.stdout.write(`${key}\n`);
        process.stderr.write(`made ${record.role} key ${record.id} for account ${account.name} (${account.id}); it is not shown again\n`);
      });
    });

  keys
    .command('list')
    .description("list an account's keys (ids and roles; keys themselves are never stored)")
    .addOption(accountOption())
    .addOption(databaseOption())
    .action(async (flags: KeyFlags) => {
      await withStore(flags, async (store, account) => {
        for (const key of await store.listApiKeys(account.id)) {
          process.stdout.write(`${key.id}\t${key.role}\t${key.createdAt}\t${key.revokedAt ? `revoked ${key.revokedAt}` : 'active'}\n`);
        }
      });
    });

  keys
    .command('revoke')
    .description('revoke a key by its id (from "vigil keys list")')
    .argument('<id>', 'the key id')
    .addOption(accountOption())
    .addOption(databaseOption())
    .action(async (id: string, flags: KeyFlags) => {
      await withStore(flags, async (store, account) => {
        if (!(await store.revokeApiKey(account.id, asId('ApiKeyId', id)))) throw new VigilError('INVALID_ARGUMENT', `no active key ${id} in account ${account.name}`);
        process.stderr.write(`revoked key ${id}\n`);
      });
    });

  return keys;
}
