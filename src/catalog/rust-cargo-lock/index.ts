/**
 * @module Cargo.lock: every crate a Rust workspace resolved, from crates.io, other registries,
 * git, and the workspace's own path crates.
 * @see https://doc.rust-lang.org/cargo/reference/resolver.html
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseCargoLockText } from './parse-cargo-lock.js';

export const rustCargoLockCataloger = defineCataloger({
  name: 'rust-cargo-lock',
  version: 1,
  patterns: ['/**/Cargo.lock'],
  parse: async (file, ctx) => parseCargoLockText(await file.text(), ctx),
}) satisfies Cataloger;
