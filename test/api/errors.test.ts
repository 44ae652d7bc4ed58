import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorStatus } from '../../src/api/errors.js';
import { startTestService, type TestService } from '../harness/service.js';

describe('docs/errors.md', () => {
  it('lists every code of the catalogue once, with its status, and no other', () => {
    const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...text.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])] as const);
    const codes = rows.map(([code]) => code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(Object.fromEntries(rows)).toEqual(apiErrorStatus);
  });
});

describe('errors the store raises', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.close();
  });

  it('answers a cursor the store did not make with 400 INVALID_TOKEN, not 500', async () => {
    const answer = await service.app.inject({
      method: 'POST',
      url: '/v1/findings/aggregations',
      headers: service.auth(service.alice.keys['read-only']),
      payload: { aggregationType: 'RESOURCE', nextToken: 'not-a-token' },
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.code).toBe('INVALID_TOKEN');
  });
});
