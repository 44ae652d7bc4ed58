/**
 * @module Reads a gem (`*.gem`, the package RubyGems installs from and keeps in its cache) in
 * place: a tar whose `metadata.gz` holds the gem's specification as YAML, the first member
 * RubyGems writes. Only the members before it are read: its name, version and platform come out
 * as RubyGems' own `Gem::Package#spec` gives them, and its licences.
 * @see https://guides.rubygems.org/specification-reference/
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { parseDocument } from 'yaml';
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { chunksOf } from '../random-access-bytes.js';
import { gemPackage, isGemName, isGemPlatform, isGemVersion } from '../ruby-gemfile-lock/gem-package.js';

/** The specification is a few KB compressed; a larger member is not one. */
const MAX_METADATA_BYTES = 1024 * 1024;
/** Nor does it inflate to more than this. */
const MAX_SPECIFICATION_BYTES = 8 * 1024 * 1024;
/** Members looked at before giving up (a gem has three). */
const MAX_MEMBERS = 16;
/** Bytes read at a time: the specification is most often within the first. */
const CHUNK_BYTES = 64 * 1024;

type Outcome = { gz: Buffer } | { missing: string };

/** The metadata.gz member's bytes, reading no further than it. */
async function metadataMember(file: CatalogFile): Promise<Outcome> {
  const extract = tar.extract();
  const piping = pipeline(Readable.from(chunksOf(file, CHUNK_BYTES)), extract);
  piping.catch(() => undefined);
  let members = 0;
  try {
    for await (const entry of extract) {
      if (entry.header.name === 'metadata.gz' && entry.header.type === 'file') {
        if ((entry.header.size ?? 0) > MAX_METADATA_BYTES) return { missing: `its metadata.gz is larger than ${MAX_METADATA_BYTES} bytes` };
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        return { gz: Buffer.concat(chunks) };
      }
      entry.resume();
      if (++members >= MAX_MEMBERS) return { missing: `no metadata.gz among its first ${MAX_MEMBERS} members` };
    }
    await piping;
    return { missing: 'it has no metadata.gz' };
  } finally {
    extract.destroy();
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Gem::Version serialises as { version: "1.2.3" }; very old gems wrote the string alone. */
function versionOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? text((value as Record<string, unknown>).version) : text(value);
}

/** A platform string ("x86_64-linux"), or an old Gem::Platform { cpu, os, version }. */
function platformOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return text(value);
  const { cpu, os, version } = value as Record<string, unknown>;
  const parts = [text(cpu), text(os), text(version)].filter((part): part is string => part !== undefined && part !== '');
  return parts.length > 0 ? parts.join('-') : undefined;
}

export async function parseGemArchive(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  let member: Outcome;
  try {
    member = await metadataMember(file);
  } catch (error) {
    ctx.warn('UNREADABLE_ARCHIVE', `${file.path} is not a readable gem: ${(error as Error).message ?? error}`);
    return [];
  }
  if ('missing' in member) {
    ctx.warn('UNREADABLE_ARCHIVE', `${file.path} is not a readable gem: ${member.missing}`);
    return [];
  }
  let yaml: string;
  try {
    yaml = gunzipSync(member.gz, { maxOutputLength: MAX_SPECIFICATION_BYTES }).toString('utf8');
  } catch (error) {
    ctx.warn('UNREADABLE_ARCHIVE', `${file.path} is not a readable gem: its metadata.gz cannot be inflated (${(error as Error).message})`);
    return [];
  }
  // The !ruby/object tags are left unresolved: each node reads as the plain mapping it is.
  let spec: unknown;
  try {
    const document = parseDocument(yaml);
    // Unresolved or too many aliases throw here: a bad specification, as a syntax error is.
    spec = document.errors.length === 0 ? document.toJS({ maxAliasCount: 50 }) : undefined;
  } catch {
    spec = undefined;
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    ctx.warn('UNREADABLE_ARCHIVE', `${file.path} is not a readable gem: its specification is not a readable YAML mapping`);
    return [];
  }
  const fields = spec as Record<string, unknown>;
  const name = text(fields.name);
  const version = versionOf(fields.version);
  if (name === undefined || !isGemName(name)) {
    ctx.skip(name === undefined ? 'the specification has no name' : `"${name.slice(0, 80)}" is not a gem name`);
    return [];
  }
  if (version === undefined || !isGemVersion(version)) {
    ctx.skip(version === undefined ? `gem "${name}" has no version` : `gem "${name}" has an unusable version "${version.slice(0, 80)}"`);
    return [];
  }
  const platform = platformOf(fields.platform);
  const licenses = (Array.isArray(fields.licenses) ? fields.licenses : [fields.license]).map(text).filter((l): l is string => !!l && l.trim() !== '');
  return [
    gemPackage({
      name,
      version,
      ...(platform !== undefined && isGemPlatform(platform) ? { platform } : {}),
      ...(licenses.length > 0 ? { licenses: licenses.map((l) => l.trim()) } : {}),
      metadata: { format: 'gem' },
    }),
  ];
}
