/**
 * @module Cargo.lock: every crate a Rust workspace resolved, from crates.io, other registries,
 * git, and the workspace's own path crates; those only the members' dev and build dependencies
 * reach marked development, as the members' Cargo.toml files say (development.ts).
 * @see https://doc.rust-lang.org/cargo/reference/resolver.html
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { developmentOnly } from './development.js';
import { readCargoLock } from './parse-cargo-lock.js';

export const rustCargoLockCataloger = defineCataloger({
  name: 'rust-cargo-lock',
  version: 2,
  reads: 'declared',
  patterns: ['/**/Cargo.lock'],
  async parse(file, ctx) {
    const entries = readCargoLock(await file.text(), ctx);
    const development = await developmentOnly(file, entries, ctx);
    return entries.map(({ pkg }) => (development.has(pkg.purl) ? { ...pkg, development: true } : pkg));
  },
}) satisfies Cataloger;
