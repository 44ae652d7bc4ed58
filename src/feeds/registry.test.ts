import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FeedSample } from './feed.js';
import { feeds } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('feed registry', () => {
  it('registers every feed folder, under its folder name', () => {
    const folders = readdirSync(here, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(feeds.map((feed) => feed.name).sort()).toEqual(folders);
  });

  it('has a parser and tests in every feed folder', () => {
    for (const feed of feeds) {
      const files = readdirSync(`${here}/${feed.name}`);
      expect(files, feed.name).toContain('index.ts');
      expect(files, feed.name).toContain('parse.ts');
      expect(files, feed.name).toContain('parse.test.ts');
    }
  });

  const samples: Array<[string, FeedSample]> = [
    ['folder', { kind: 'folder' }],
    ['zip', { kind: 'zip' }],
    ['osv', { kind: 'text', text: '{"id":"GO-1","modified":"2024-01-01T00:00:00Z"}', complete: true, extension: '.json', gzip: false }],
    ['nvd', { kind: 'text', text: '{"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":"CVE-2024-0001"}}]}', complete: true, extension: '.json', gzip: false }],
    ['kev', { kind: 'text', text: '{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2024-0001"}]}', complete: true, extension: '.json', gzip: false }],
    ['epss', { kind: 'text', text: 'cve,epss,percentile\n', complete: true, extension: '.csv', gzip: false }],
    ['cut nvd', { kind: 'text', text: '{"vulnerabilities":[{"cve":{"id":"CVE-2024-0001","modified"', complete: false, extension: '.json', gzip: false }],
    ['cut kev', { kind: 'text', text: '{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-1","id":"x","modified"', complete: false, extension: '.json', gzip: false }],
  ];
  it.each(samples)('at most one feed recognises a %s sample', (_name, sample) => {
    expect(feeds.filter((feed) => feed.recognises(sample)).length).toBeLessThanOrEqual(1);
    expect(feeds.filter((feed) => feed.recognises(sample)).length).toBe(1);
  });
});
