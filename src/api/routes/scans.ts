/**
 * @module Scans (`/v1/scans`): the server scans a target it can read for one resource, as a job —
 * Inspector's agentless scan. A request names the target and the resource (an existing one, or a
 * new one to create); the answer is 202 with the scan's id, and `GET /v1/scans/{id}` follows it
 * from QUEUED through RUNNING to SUCCEEDED or FAILED. A target that is not a path at all is
 * refused here; one that does not exist or cannot be read is the scan's FAILED state, which only
 * the worker reading it can tell.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { announceNewResource } from '../../service/coverage-events.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isVigilError } from '../../errors.js';
import { parseTargetSpec } from '../../source/target-spec.js';
import { asId, type AccountId, type NewResource, type Resource, type Scan, type Store } from '../../store/index.js';
import type { RouteOptions } from '../app.js';
import { principalOf } from '../auth.js';
import { apiError } from '../errors.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import type { NewResourceBody } from '../schemas/resource.js';
import { NewScanBody, ScanAccepted, ScanRecord } from '../schemas/scan.js';

/**
 * Checks that a target names a path the server could read, without touching the file system (that
 * is the worker's job, and its answer is the scan's). Throws INVALID_TARGET saying what is wrong.
 */
export function checkScanTarget(target: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(target)) throw apiError('INVALID_TARGET', 'the target holds control characters; name a path');
  let spec;
  try {
    spec = parseTargetSpec(target);
  } catch (error) {
    if (isVigilError(error)) throw apiError('INVALID_TARGET', error.message);
    throw error;
  }
  if (!isAbsolute(spec.path)) {
    throw apiError(
      'INVALID_TARGET',
      `"${target}" is not an absolute path the server can read: name a root filesystem or folder (/mnt/snapshot, dir:/srv/app), ` +
        'an image archive (oci-archive:/images/app.tar, docker-archive:PATH, oci-dir:PATH) or a zip (zip:/functions/fn.zip)',
    );
  }
  return spec.path;
}

/** A path with its links resolved, or, when it does not exist (the scan will say so), as written. */
async function resolved(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

/**
 * Checks that the target's path lies under one of the server's scan roots once links are
 * resolved, so that a key cannot have the server read a folder it was not given for scanning.
 * Throws SCAN_TARGET_NOT_ALLOWED.
 */
export async function checkScanRoot(path: string, roots: readonly string[]): Promise<void> {
  if (roots.length === 0) throw apiError('SCAN_TARGET_NOT_ALLOWED', 'this server scans no paths: start it with --scan-root DIR (or VIGIL_SCAN_ROOTS) to name the folders it may scan');
  const real = await resolved(path);
  for (const root of roots) {
    const base = await resolved(root);
    if (real === base || real.startsWith(base.endsWith(sep) ? base : base + sep)) return;
  }
  throw apiError('SCAN_TARGET_NOT_ALLOWED', `"${path}" is not under a folder this server scans (${roots.join(', ')})`);
}

/** The resource a body's `{ id }` names, or the new resource it describes (not yet stored). */
function newResourceOf(body: NewResourceBody, accountId: AccountId, region: string): NewResource {
  const base = { accountId, region: body.region ?? region, name: body.name, tags: body.tags ?? {} };
  return body.type === 'HOST'
    ? { ...base, type: 'HOST', details: body.details ?? {} }
    : body.type === 'CONTAINER_IMAGE'
      ? { ...base, type: 'CONTAINER_IMAGE', details: body.details }
      : { ...base, type: 'FUNCTION', details: body.details };
}

/** The scan as the API shows it. */
function scanView(scan: Scan) {
  return {
    id: scan.id,
    accountId: scan.accountId,
    region: scan.region,
    resourceId: scan.resourceId,
    target: scan.target,
    status: scan.status,
    attempts: scan.attempts,
    result: scan.result,
    error: scan.error,
    createdAt: scan.createdAt,
    startedAt: scan.startedAt,
    finishedAt: scan.finishedAt,
  };
}

export const scanRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, jobs }) => {
  app.addSchema(ScanRecord);

  app.post(
    '/',
    {
      schema: {
        summary: 'Scan a target the server can read, for one resource (as a job)',
        description:
          'Answers 202 at once; follow the scan with GET /v1/scans/{id}. With `resource: { id }` the scan is for an existing resource; ' +
          'with the fields of POST /v1/resources it creates the resource first. A target that does not exist or cannot be read ends FAILED.',
        tags: ['scans'],
        body: NewScanBody,
        response: { 202: ScanAccepted, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const { accountId } = principalOf(request);
      const { target, resource: wanted } = request.body;
      await checkScanRoot(checkScanTarget(target), ctx.settings.scanRoots);
      const scan = await ctx.store.transaction(async (tx: Store) => {
        let resource: Resource | undefined;
        if ('id' in wanted) {
          resource = await tx.getResource(accountId, asId('ResourceId', wanted.id));
          if (!resource) throw apiError('RESOURCE_NOT_FOUND', `resource ${wanted.id} does not exist`);
        } else {
          const account = await tx.getAccount(accountId);
          if (!account) throw apiError('ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);
          resource = await tx.createResource(newResourceOf(wanted, accountId, account.region));
          await announceNewResource(tx, resource, ctx.now());
        }
        return tx.createScan({ accountId, region: resource.region, resourceId: resource.id, target });
      });
      // Sent after the commit, so the worker finds the scan. Should the send fail, the scan stays
      // QUEUED in the store, and the in-process queue requeues unfinished scans when it starts.
      await jobs.send('scan', { scanId: scan.id });
      return reply
        .status(202)
        .header('location', `/v1/scans/${encodeURIComponent(scan.id)}`)
        .send({ scanId: scan.id, resourceId: scan.resourceId, status: 'QUEUED' as const });
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        summary: "A scan's state: QUEUED, RUNNING, SUCCEEDED (with its counts) or FAILED (with the reason)",
        tags: ['scans'],
        params: IdParams,
        response: { 200: Type.Ref('Scan'), ...errorResponses(404) },
      },
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const scan = await ctx.store.getScan(accountId, asId('ScanId', request.params.id));
      if (!scan) throw apiError('SCAN_NOT_FOUND', `scan ${request.params.id} does not exist`);
      return scanView(scan);
    },
  );
};
