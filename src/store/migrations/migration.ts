/** @module The shape of a store migration: written once, told which database it runs on. */
import type { Kysely } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export interface StoreMigration {
  /**
   * `db` is untyped on purpose: a migration describes the schema as it was when it was written,
   * not as `schema.ts` describes it today.
   */
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
}
