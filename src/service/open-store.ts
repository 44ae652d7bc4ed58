/**
 * @module Which store the service runs on: PostgreSQL when a postgres:// URL is given (flag or
 * VIGIL_DATABASE_URL), else the embedded SQLite file `$VIGIL_HOME/vigil.sqlite`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../errors.js';
import { vigilHome } from '../home.js';
import { openPostgresStore, openSqliteStore, type Store } from '../store/index.js';

export type StoreLocation = { kind: 'postgres'; url: string } | { kind: 'sqlite'; path: string };

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** Where the state lives, from `--database` (a postgres URL or a SQLite file path) or the environment. */
export function storeLocation(database: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const given = database ?? env.VIGIL_DATABASE_URL;
  if (given === undefined || given === '') return { kind: 'sqlite', path: join(vigilHome(env), 'vigil.sqlite') };
  if (isPostgresUrl(given)) return { kind: 'postgres', url: given };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given)) throw new VigilError('INVALID_ARGUMENT', `--database takes a postgres:// URL or a SQLite file path, not ${given.split('://')[0]}://`);
  return { kind: 'sqlite', path: given };
}

/** `longLived`: the server, which checkpoints SQLite's log off its event loop (a short command need not). */
export async function openServiceStore(location: StoreLocation, options: { longLived?: boolean } = {}): Promise<Store> {
  if (location.kind === 'postgres') return openPostgresStore(location.url);
  if (location.path !== ':memory:') mkdirSync(join(location.path, '..'), { recursive: true, mode: 0o700 });
  return openSqliteStore(location.path, { checkpointInBackground: options.longLived === true });
}
