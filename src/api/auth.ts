/**
 * @module API keys: made, hashed and checked. A key is 32 random bytes shown once; only its
 * SHA-256 digest is stored (a 256-bit random secret needs no slow hash: nothing to guess). The
 * `/v1` scope checks `Authorization: Bearer <key>` on every request and each route's least role.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AccountId, ApiKey, ApiKeyRole, Store } from '../store/index.js';
import { apiError } from './errors.js';

const KEY_PREFIX = 'vgl_';

export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Who is calling: the key's account and role. */
export interface Principal {
  keyId: string;
  accountId: AccountId;
  role: ApiKeyRole;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The least role a route needs: reads take read-only, writes member, key management admin. */
    role?: ApiKeyRole;
  }
}

const rank: Record<ApiKeyRole, number> = { 'read-only': 0, member: 1, admin: 2 };

/** The key a request carries, or an UNAUTHORIZED error saying what is missing. */
function bearerKey(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw apiError('UNAUTHORIZED', 'missing Authorization header: send "Authorization: Bearer <API key>"');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw apiError('UNAUTHORIZED', 'the Authorization header must be "Bearer <API key>"');
  return match[1]!;
}

/**
 * Looks the key up by its digest and compares the digests in constant time (the index lookup
 * already matched them; the comparison keeps the check itself free of timing differences).
 */
export async function authenticate(store: Store, request: FastifyRequest): Promise<Principal> {
  const key = bearerKey(request);
  const digest = hashApiKey(key);
  const stored: ApiKey | undefined = key.startsWith(KEY_PREFIX) ? await store.findApiKeyByHash(digest) : undefined;
  if (!stored || !timingSafeEqual(Buffer.from(stored.keyHash, 'hex'), Buffer.from(digest, 'hex'))) {
    throw apiError('UNAUTHORIZED', 'the API key is not valid or was revoked');
  }
  return { keyId: stored.id, accountId: stored.accountId, role: stored.role };
}

/** The role a route needs when it does not say: reads read-only, anything else member. */
export function requiredRole(method: string, configured: ApiKeyRole | undefined): ApiKeyRole {
  if (configured) return configured;
  return method === 'GET' || method === 'HEAD' ? 'read-only' : 'member';
}

export function assertRole(principal: Principal, needed: ApiKeyRole): void {
  if (rank[principal.role] < rank[needed]) throw apiError('FORBIDDEN', `this request needs a ${needed} key; this key is ${principal.role}`);
}

/** The caller, for a route behind the `/v1` hook (which always sets it). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw apiError('UNAUTHORIZED', 'no API key');
  return request.principal;
}

/** Makes a key for the account and stores its digest; the key itself is returned once, here. */
export async function issueApiKey(store: Store, input: { accountId: AccountId; role: ApiKeyRole }): Promise<{ key: string; record: ApiKey }> {
  const key = generateApiKey();
  const record = await store.createApiKey({ accountId: input.accountId, role: input.role, keyHash: hashApiKey(key) });
  return { key, record };
}
