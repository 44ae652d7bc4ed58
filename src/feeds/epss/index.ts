/** @module EPSS scores (CSV, plain or gzip, with or without the model comment line) to EpssScores. @see https://www.first.org/epss/data_stats */
import type { Feed, FeedSample } from '../feed.js';

export { parseEpssLine, parseEpssComment, DEFAULT_EPSS_COLUMNS, type EpssColumns, type EpssLine, type EpssModel } from './parse.js';
export { readEpssFile, type EpssItem } from './read.js';

function recognises(sample: FeedSample): boolean {
  if (sample.kind !== 'text') return false;
  const first = sample.text.replace(/^\uFEFF/, '').trimStart().slice(0, 64).toLowerCase();
  return first.startsWith('#model_version') || /^cve\s*,\s*epss\b/.test(first);
}

export const epss = { name: 'epss', spec: 'https://www.first.org/epss/data_stats', recognises } satisfies Feed;
