/**
 * @module Go binaries: the module list and toolchain version the Go linker embeds in every
 * executable (ELF, PE, Mach-O; Go 1.13 and later), found by content, not by name.
 * @see https://pkg.go.dev/debug/buildinfo
 */
import { executableSniff } from '../binary/sniff.js';
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseGoBinary } from './parse-go-binary.js';

export const goBinaryCataloger = defineCataloger({
  name: 'go-binary',
  version: 1,
  reads: 'installed',
  patterns: [],
  sniff: executableSniff,
  parse: parseGoBinary,
}) satisfies Cataloger;
