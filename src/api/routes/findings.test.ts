import { describe, expect, it } from 'vitest';
import type { StoredFinding, StoredFindingText } from '../../store/index.js';
import { findingView, findingViewJson, searchPageJson } from './findings.js';

/** A stored finding's head (the parts findingView reads), as the store gives it. */
const head = {
  id: 'f-1',
  status: 'CLOSED',
  type: 'PACKAGE_VULNERABILITY',
  accountId: 'acct-1',
  region: 'eu-west-1',
  resourceId: 'res-1',
  resourceType: 'HOST',
  firstObservedAt: '2026-11-01T10:00:00.000Z',
  lastObservedAt: '2026-11-02T10:00:00.000Z',
  updatedAt: '2026-11-03T10:00:00.000Z',
  closedAt: '2026-11-03T10:00:00.000Z',
  vigilScore: { score: 9.1, adjustments: [{ metric: 'exploitAvailable', reason: 'listed in CISA KEV' }] },
  suppressedBy: [],
  bodyDigest: 'digest',
} as unknown as StoredFinding;

const body = { vulnerabilityId: 'CVE-2021-23337', aliases: ['GHSA-35jh-r3h4-6jhm'], severity: 'HIGH', title: 'a "quoted" title\n', fixAvailable: 'YES' };

function withText(findingJson: string, extra: Partial<StoredFindingText> = {}): StoredFindingText {
  const { finding: _finding, ...rest } = head;
  return { ...rest, ...extra, findingJson } as StoredFindingText;
}

describe('findingViewJson', () => {
  it("is the JSON of findingView, from the body's stored text", () => {
    const text = JSON.stringify(body);
    expect(JSON.parse(findingViewJson(withText(text)))).toEqual(findingView({ ...head, finding: body } as unknown as StoredFinding));
    // Stored text with white space around it (as another writer may leave it), and no score.
    const spaced = withText(`  ${JSON.stringify(body, null, 2)}\n`, { vigilScore: null });
    expect(JSON.parse(findingViewJson(spaced))).toEqual(findingView({ ...head, vigilScore: null, finding: body } as unknown as StoredFinding));
  });

  it('writes the service fields alone for an empty body', () => {
    for (const empty of ['{}', ' { }\n']) expect(JSON.parse(findingViewJson(withText(empty)))).toEqual(findingView({ ...head, finding: {} } as unknown as StoredFinding));
  });

  it('writes a page with its next token, or without one', () => {
    const page = JSON.parse(searchPageJson({ findings: [withText(JSON.stringify(body))], nextToken: 'abc"def' }));
    expect(page).toEqual({ findings: [findingView({ ...head, finding: body } as unknown as StoredFinding)], nextToken: 'abc"def' });
    expect(JSON.parse(searchPageJson({ findings: [] }))).toEqual({ findings: [] });
  });
});
