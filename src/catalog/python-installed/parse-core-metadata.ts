/**
 * @module Reads Python core metadata (a dist-info METADATA or an egg-info PKG-INFO): RFC 822
 * style headers up to the first blank line, folded lines continued by leading whitespace, some
 * fields given several times (Classifier). The description body after the blank line is not read.
 * @see https://packaging.python.org/en/latest/specifications/core-metadata/
 */
import type { PackageMetadata } from '../../model/package.js';
import { withoutBom } from './pypi-package.js';

/** Header fields by lower-case name, each with every value in file order. */
export type CoreMetadataHeaders = Map<string, string[]>;

/** Past this many header lines a file is not core metadata; the rest is not read. */
const MAX_HEADER_LINES = 20_000;

export function parseCoreMetadataHeaders(text: string): CoreMetadataHeaders {
  const headers: CoreMetadataHeaders = new Map();
  const lines = withoutBom(text).split(/\r\n|\n|\r/, MAX_HEADER_LINES);
  let current: { values: string[]; index: number } | undefined;
  for (const line of lines) {
    if (line === '') break; // the blank line that ends the headers
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current) current.values[current.index] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    // Not a header: the email parser would take the rest as the body.
    if (colon <= 0 || !/^[\x21-\x39\x3b-\x7e]+$/.test(line.slice(0, colon))) break;
    const key = line.slice(0, colon).toLowerCase();
    let values = headers.get(key);
    if (!values) headers.set(key, (values = []));
    values.push(line.slice(colon + 1).trim());
    current = { values, index: values.length - 1 };
  }
  return headers;
}

export function firstHeader(headers: CoreMetadataHeaders, key: string): string | undefined {
  const value = headers.get(key)?.[0]?.trim();
  return value ? value : undefined;
}

/** A License field value short enough to be a name ("MIT", "Apache 2.0"), not a pasted license text. */
function isLicenseName(value: string | undefined): value is string {
  return value !== undefined && value !== '' && !value.includes('\n') && value.length <= 100 && value.toUpperCase() !== 'UNKNOWN';
}

/**
 * The licenses a distribution declares, in order of precision: the SPDX License-Expression
 * (metadata 2.4) alone when present; otherwise the free-text License field when it names a
 * license on one line; otherwise the "License ::" trove classifiers (their last part, as
 * "MIT License").
 */
export function coreMetadataLicenses(headers: CoreMetadataHeaders): string[] {
  const expression = firstHeader(headers, 'license-expression');
  if (expression) return [expression];
  const license = firstHeader(headers, 'license');
  if (isLicenseName(license)) return [license];
  const fromClassifiers: string[] = [];
  for (const classifier of headers.get('classifier') ?? []) {
    const parts = classifier.split('::').map((part) => part.trim());
    if (parts[0] !== 'License' || parts.length < 2) continue;
    const last = parts[parts.length - 1]!;
    // "License :: OSI Approved" alone says nothing about which license.
    if (last !== '' && !(parts.length === 2 && last === 'OSI Approved')) fromClassifiers.push(last);
  }
  return [...new Set(fromClassifiers)];
}

/** Scalar facts worth keeping beside name, version and licenses. */
export function coreMetadataFacts(headers: CoreMetadataHeaders): PackageMetadata {
  const metadata: PackageMetadata = {};
  const summary = firstHeader(headers, 'summary');
  if (summary && summary.toUpperCase() !== 'UNKNOWN') metadata.summary = summary.split('\n')[0]!.slice(0, 500);
  const homepage = firstHeader(headers, 'home-page');
  if (homepage && homepage.toUpperCase() !== 'UNKNOWN' && !homepage.includes('\n')) metadata.homepage = homepage;
  const metadataVersion = firstHeader(headers, 'metadata-version');
  if (metadataVersion && !metadataVersion.includes('\n')) metadata.metadataVersion = metadataVersion;
  return metadata;
}
