/**
 * @module Scans the server runs as jobs (their state, as `GET /v1/scans/{id}` shows it) and the
 * service's own settings (such as the last vulnerability database change it re-evaluated).
 */
import { sql, type Kysely } from 'kysely';
import type { StoreMigration } from './migration.js';

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addCheckConstraint('scans_status', sql`status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')`)
    .execute();
  await db.schema.createIndex('scans_account').on('scans').columns(['account_id', 'id']).execute();
  await db.schema.createIndex('scans_status').on('scans').columns(['status']).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export const scansAndSettings = { up } satisfies StoreMigration;
