/**
 * @module Rust binaries built with cargo-auditable: the crate list embedded in their `.dep-v0`
 * section (ELF, PE, Mach-O), found by content, not by name.
 * @see https://github.com/rust-secure-code/cargo-auditable
 */
import { executableSniff } from '../binary/sniff.js';
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseAuditBinary } from './parse-audit-data.js';

export const rustAuditBinaryCataloger = defineCataloger({
  name: 'rust-audit-binary',
  version: 1,
  reads: 'installed',
  patterns: [],
  sniff: executableSniff,
  parse: parseAuditBinary,
}) satisfies Cataloger;
