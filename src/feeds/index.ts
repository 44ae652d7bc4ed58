/** @module Vulnerability feeds (OSV, NVD, KEV, EPSS): pure parsers, local readers and the registry detectFeed asks. @see https://ossf.github.io/osv-schema/ */
import { epss } from './epss/index.js';
import type { Feed } from './feed.js';
import { kev } from './kev/index.js';
import { nvd } from './nvd/index.js';
import { osv } from './osv/index.js';

export type { Feed, FeedSample } from './feed.js';
export type FeedName = Feed['name'];

/**
 * Every feed, one line each; registry.test.ts fails when a feed folder is missing here.
 * detectFeed asks them in this order; their recognisers exclude each other (registry.test.ts).
 */
export const feeds: readonly Feed[] = [osv, nvd, kev, epss];

export * from './osv/index.js';
export * from './nvd/index.js';
export * from './kev/index.js';
export * from './epss/index.js';
export { detectFeed, sampleFeed } from './detect.js';
