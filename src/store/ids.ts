/** @module Branded ids: a resource id cannot be passed where a finding id is wanted. */
import { randomBytes } from 'node:crypto';

declare const brand: unique symbol;
type Id<Name extends string> = string & { readonly [brand]: Name };

export type AccountId = Id<'AccountId'>;
export type ApiKeyId = Id<'ApiKeyId'>;
export type ResourceId = Id<'ResourceId'>;
export type FindingId = Id<'FindingId'>;
export type FilterId = Id<'FilterId'>;
export type ScanId = Id<'ScanId'>;

const prefixes = { AccountId: 'acct', ApiKeyId: 'key', ResourceId: 'res', FindingId: 'fnd', FilterId: 'flt', ScanId: 'scan' } as const;

let lastTime = '';
let sequence = 0;

/**
 * A new id: a prefix naming its kind, the creation time in milliseconds (12 hex digits), a
 * counter within that millisecond (so one process's ids never tie) and 48 random bits. Ids sort
 * by creation, so listing by id pages through records in the order they were made, and a stable
 * cursor is just the last id seen.
 */
export function newId<Kind extends keyof typeof prefixes>(kind: Kind): Id<Kind> {
  const time = Date.now().toString(16).padStart(12, '0');
  sequence = time === lastTime ? sequence + 1 : 0;
  lastTime = time;
  return `${prefixes[kind]}-${time}${sequence.toString(16).padStart(4, '0')}${randomBytes(6).toString('hex')}` as Id<Kind>;
}

/** Marks a string that came from outside (a URL, a row) as an id of a kind; no check is made. */
export function asId<Kind extends keyof typeof prefixes>(_kind: Kind, value: string): Id<Kind> {
  return value as Id<Kind>;
}
