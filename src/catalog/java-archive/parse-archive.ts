/**
 * @module Reads a Java archive (jar, war, ear and kin) by ranges: its central directory, then
 * only the entries that identify it. Each META-INF/maven/<groupId>/<artifactId>/pom.properties is
 * a package; without any, the manifest and the file name identify the archive when they can.
 * Archives inside it (BOOT-INF/lib, WEB-INF/lib, EAR modules, jars in jars) are inflated into
 * memory, bounded by their size in the outer archive, and read the same way, to a bounded depth.
 * The archive's SHA-1 is reported with its packages, so all its bytes are hashed once it is known
 * to hold one (see file-sha1.ts).
 * @see https://docs.oracle.com/en/java/javase/17/docs/specs/jar/jar.html
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { bufferBytes, type RandomAccessBytes } from '../random-access-bytes.js';
import { isMavenCoordinate, mavenPackage, unusableVersion, type MavenCoordinates } from '../java-pom/maven-package.js';
import { readPomLicenses } from '../java-pom/pom-licenses.js';
import { isJavaArchiveName, JAVA_ARCHIVE_EXTENSIONS, parseArchiveFileName } from './file-name.js';
import { parseManifest, type Manifest } from './manifest.js';
import { parseJavaProperties } from './properties.js';
import { sha1OfBytes, sha1OfFile } from './file-sha1.js';
import { RangedZip, ZipFormatError, type ZipEntry } from '../zip/ranged-zip.js';
import { listArchiveEntries, readArchiveEntry } from '../zip/read-archive.js';

/**
 * The caps that keep a hostile archive from exhausting memory or time. Reaching one of the
 * per-archive caps is a warning, and that archive is read no further (what was found in it so
 * far is kept); the per-file caps stop the whole file the same way.
 */
export const javaArchiveLimits = {
  /** Archives inside archives followed: the file is depth 0, BOOT-INF/lib/x.jar in it depth 1. */
  maxDepth: 4,
  /** Central directory entries read from one archive (a large fat jar has some tens of thousands). */
  maxEntries: 200_000,
  /** Uncompressed bytes inflated from one archive: its manifest, properties and nested archives. */
  maxArchiveBytes: 512 * 1024 * 1024,
  /** Uncompressed bytes inflated from one file, nested archives at every depth included. */
  maxFileBytes: 1024 * 1024 * 1024,
  /** Archives opened for one file, itself included. */
  maxArchives: 10_000,
  /** Largest manifest, pom.properties or pom.xml read (they are a few KB). */
  maxTextBytes: 1024 * 1024,
  /** Highest uncompressed : compressed ratio accepted for an entry over `ratioFloorBytes` (deflate tops out near 1032:1). */
  maxRatio: 100,
  /** Entries declaring at most this many bytes are never judged by their ratio. */
  ratioFloorBytes: 1024 * 1024,
};

export type JavaArchiveLimits = typeof javaArchiveLimits;

/** Archive types whose extension other formats share (RAR, NAR…): one that is not a zip is not ours, silently. */
const AMBIGUOUS_EXTENSIONS = /\.(rar|nar|kar|par|sar)$/i;

const POM_PROPERTIES = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.properties$/;
const POM_XML = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.xml$/;
const MANIFEST = 'META-INF/MANIFEST.MF';
const ARCHIVE_EXTENSIONS = new Set<string>(JAVA_ARCHIVE_EXTENSIONS);
const MAVEN_FILE = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.(?:properties|xml)$/;

/**
 * Entries worth listing: nested archives, the manifest and the Maven files (a superset, checked
 * exactly below). A fat jar's tens of thousands of classes are never kept, and are turned away
 * by an extension lookup and a length test.
 */
export function isWantedEntry(name: string): boolean {
  const dot = name.lastIndexOf('.');
  if (dot !== -1 && name.length - dot <= 4 && ARCHIVE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase())) return true;
  // Upper-casing never shortens a name, and can turn an odd letter ("ﬅ") into the manifest's.
  if (name.length <= MANIFEST.length) return name.toUpperCase() === MANIFEST;
  return name.startsWith('META-INF/maven/') && MAVEN_FILE.test(name);
}

/** An archive extension's three letters, lower case, as one number: (a << 16) | (b << 8) | c. */
const ARCHIVE_EXTENSION_CODES = new Set(JAVA_ARCHIVE_EXTENSIONS.map((extension) => (extension.charCodeAt(0) << 16) | (extension.charCodeAt(1) << 8) | extension.charCodeAt(2)));
const MAVEN_FOLDER = Buffer.from('META-INF/maven/', 'latin1');

/**
 * isWantedEntry's first look at a plain ASCII name's bytes [start, end), where a '\' stands for
 * '/': true for every name it may accept (a name ending in an archive extension, of the
 * manifest's length, or under META-INF/maven/), so the rest of a fat jar's classes are turned away
 * before a string is made of their names. Setting bit 0x20 lower-cases an ASCII letter and turns
 * no other byte into one.
 */
export function mayBeWantedEntry(bytes: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (length === MANIFEST.length) return true;
  if (length >= 4 && bytes[end - 4] === 0x2e) {
    const code = ((bytes[end - 3]! | 0x20) << 16) | ((bytes[end - 2]! | 0x20) << 8) | (bytes[end - 1]! | 0x20);
    if (ARCHIVE_EXTENSION_CODES.has(code)) return true;
  }
  if (length <= MAVEN_FOLDER.length) return false;
  for (let i = 0; i < MAVEN_FOLDER.length; i++) {
    const byte = bytes[start + i]!;
    if (byte !== MAVEN_FOLDER[i] && !(byte === 0x5c && MAVEN_FOLDER[i] === 0x2f)) return false;
  }
  return true;
}

interface FileState {
  limits: JavaArchiveLimits;
  ctx: CatalogContext;
  inflated: number;
  archives: number;
  /** Set once a per-file cap is reached: nothing more is read. */
  stopped: boolean;
  /** Depth warnings are given once per file. */
  warnedDepth: boolean;
}

class ArchiveStop extends Error {}

function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** An archive being read: where it is, and what was gathered from it. */
interface ArchiveReading {
  /** "/app/app.jar" or "/app/app.jar!/BOOT-INF/lib/x.jar". */
  display: string;
  depth: number;
  /** pom.properties by entry name, in archive order. */
  pomProperties: Array<{ entry: string; folderGroup: string; folderArtifact: string; properties: Map<string, string> }>;
  /** pom.xml licenses by "<group folder>/<artifact folder>". */
  pomLicenses: Map<string, string[]>;
  manifest?: Manifest;
}

function checkEntry(state: FileState, reading: ArchiveReading, entry: ZipEntry, archiveBytes: { used: number }): void {
  const { limits, ctx } = state;
  if (entry.size > limits.ratioFloorBytes && entry.size > entry.compressedSize * limits.maxRatio) {
    ctx.warn(
      'ZIP_BOMB',
      `${reading.display}: entry ${entry.name} expands from ${entry.compressedSize} to ${entry.size} bytes, more than ${limits.maxRatio}:1 (a zip bomb?); the archive was read no further`,
    );
    throw new ArchiveStop();
  }
  if (archiveBytes.used + entry.size > limits.maxArchiveBytes) {
    ctx.warn('ARCHIVE_TOO_LARGE', `${reading.display}: reading ${entry.name} would inflate more than ${limits.maxArchiveBytes} bytes from one archive; the archive was read no further`);
    throw new ArchiveStop();
  }
  if (state.inflated + entry.size > limits.maxFileBytes) {
    ctx.warn('ARCHIVE_TOO_LARGE', `${reading.display}: reading ${entry.name} would inflate more than ${limits.maxFileBytes} bytes from one file; the file was read no further`);
    state.stopped = true;
    throw new ArchiveStop();
  }
}

async function inflate(zip: RangedZip, entry: ZipEntry, state: FileState, reading: ArchiveReading, archiveBytes: { used: number }): Promise<Buffer | undefined> {
  checkEntry(state, reading, entry, archiveBytes);
  archiveBytes.used += entry.size;
  state.inflated += entry.size;
  // A damaged entry is a warning; an error reading the file itself is the cataloger's to report.
  return readArchiveEntry(zip, entry, reading.display, state.ctx);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/** How an archive's SHA-1 is had: the file's from the disk when it can be, a nested archive's from its bytes. */
type ArchiveDigest = (bytes: RandomAccessBytes) => Promise<string>;

async function readArchive(bytes: RandomAccessBytes, display: string, depth: number, state: FileState, digest: ArchiveDigest = sha1OfBytes): Promise<ParsedPackage[]> {
  const { ctx, limits } = state;
  if (state.stopped) return [];
  if (++state.archives > limits.maxArchives) {
    ctx.warn('ARCHIVE_TOO_MANY_NESTED', `${display}: more than ${limits.maxArchives} archives in one file; the rest were not read`);
    state.stopped = true;
    return [];
  }
  let zip: RangedZip;
  try {
    zip = await RangedZip.open(bytes);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    ctx.warn('ARCHIVE_UNREADABLE', `${display} is not a readable zip archive: ${firstLine(error)}`);
    return [];
  }
  const reading: ArchiveReading = { display, depth, pomProperties: [], pomLicenses: new Map() };
  const nested: ParsedPackage[] = [];
  try {
    const entries = await listArchiveEntries(zip, display, ctx, limits.maxEntries, isWantedEntry, mayBeWantedEntry);
    const archiveBytes = { used: 0 };
    for (const entry of entries) {
      if (state.stopped) break;
      const properties = POM_PROPERTIES.exec(entry.name);
      const pomXml = properties ? null : POM_XML.exec(entry.name);
      const isManifest = entry.name.toUpperCase() === MANIFEST;
      if (properties || pomXml || isManifest) {
        if (entry.size > limits.maxTextBytes) {
          ctx.skip(`${display}!/${entry.name} is ${entry.size} bytes, more than the ${limits.maxTextBytes} read`);
          continue;
        }
        const data = await inflate(zip, entry, state, reading, archiveBytes);
        if (!data) continue;
        if (properties) {
          reading.pomProperties.push({
            entry: entry.name,
            folderGroup: properties[1]!,
            folderArtifact: properties[2]!,
            properties: parseJavaProperties(data.toString('utf8')),
          });
        } else if (pomXml) {
          // Only the licenses are wanted of it: read without parsing the whole POM.
          const licenses = readPomLicenses(data);
          if (licenses.length > 0) reading.pomLicenses.set(`${pomXml[1]}/${pomXml[2]}`, licenses);
        } else if (!reading.manifest) {
          reading.manifest = parseManifest(data);
        }
        continue;
      }
      if (!isJavaArchiveName(entry.name)) continue;
      if (depth + 1 > limits.maxDepth) {
        if (!state.warnedDepth) {
          ctx.warn('ARCHIVE_TOO_DEEP', `${display}!/${entry.name}: archives nested more than ${limits.maxDepth} levels deep are not read`);
          state.warnedDepth = true;
        }
        continue;
      }
      const data = await inflate(zip, entry, state, reading, archiveBytes);
      if (!data) continue;
      const inner = `${display}!/${entry.name}`;
      if (!isZip(data) && AMBIGUOUS_EXTENSIONS.test(entry.name)) continue;
      nested.push(...(await readArchive(bufferBytes(data), inner, depth + 1, state)));
    }
  } catch (error) {
    if (!(error instanceof ArchiveStop)) throw error;
  }
  // Every byte is hashed only for an archive that holds a package: many jars hold none.
  const found = packagesOf(reading, ctx);
  const sha1 = found.length > 0 ? await digest(bytes) : '';
  return [...found.map(({ coordinates, extra }) => mavenPackage(coordinates, { sha1, ...extra })), ...nested];
}

/** A package found in an archive, but for the archive's SHA-1. */
interface FoundPackage {
  coordinates: MavenCoordinates;
  extra: { locationPath?: string; metadata: PackageMetadata; licenses: string[] };
}

/** The package each pom.properties names; the manifest and file name when there is none. */
function packagesOf(reading: ArchiveReading, ctx: CatalogContext): FoundPackage[] {
  const locationPath = reading.depth === 0 ? undefined : reading.display;
  const extra = locationPath ? { locationPath } : {};
  if (reading.pomProperties.length === 0) {
    const fallback = packageFromManifest(reading, ctx);
    return fallback ? [{ coordinates: fallback.coordinates, extra: { ...extra, metadata: fallback.metadata, licenses: fallback.licenses } }] : [];
  }
  const packages: FoundPackage[] = [];
  for (const { entry, folderGroup, folderArtifact, properties } of reading.pomProperties) {
    // The folder names are what maven-archiver wrote the file under; the file's own values win.
    const groupId = properties.get('groupId') || folderGroup;
    const artifactId = properties.get('artifactId') || folderArtifact;
    const version = properties.get('version');
    const where = `${reading.display}!/${entry}`;
    if (!isMavenCoordinate(groupId) || !isMavenCoordinate(artifactId)) {
      ctx.skip(`${where}: invalid groupId or artifactId "${groupId}:${artifactId}"`);
      continue;
    }
    const problem = unusableVersion(version);
    if (problem || version === undefined) {
      ctx.skip(`${where}: ${problem ?? 'no version'}`);
      continue;
    }
    const metadata: PackageMetadata = { evidence: 'pom.properties', pomProperties: entry };
    const licenses = reading.pomLicenses.get(`${folderGroup}/${folderArtifact}`) ?? [];
    packages.push({ coordinates: { groupId, artifactId, version }, extra: { ...extra, metadata, licenses } });
  }
  return packages;
}

/**
 * Implementation-Vendor-Id values that name an organisation, not a Maven group: Apache's parent
 * POMs long wrote "org.apache" into every project's manifest (commons-logging 1.1, velocity 1.7,
 * whose groups are commons-logging and org.apache.velocity), so it says nothing of the group.
 */
const ORGANISATION_VENDOR_IDS = new Set(['org.apache']);

/** A manifest value usable as a coordinate, or undefined. */
function coordinate(value: string | undefined): string | undefined {
  return isMavenCoordinate(value) ? value : undefined;
}

/** "org.example.lib;singleton:=true" → "org.example.lib". */
function symbolicName(manifest: Manifest): string | undefined {
  return manifest.get('bundle-symbolicname')?.split(';')[0]?.trim() || undefined;
}

/**
 * Coordinates an archive without pom.properties states about itself. artifactId: the file name
 * ("artifact-1.2.3.jar"), else an Implementation-Title that is a plain name, else a versionless
 * file name the Bundle-SymbolicName ends with. version: Implementation-Version, else the file
 * name's, else Bundle-Version. groupId: Implementation-Vendor-Id, else the Bundle-SymbolicName
 * "<groupId>.<artifactId>" when a vendor attribute names the same group.
 * Nothing is guessed beyond that: without all three there is no package.
 */
function packageFromManifest(
  reading: ArchiveReading,
  ctx: CatalogContext,
): { coordinates: { groupId: string; artifactId: string; version: string }; metadata: PackageMetadata; licenses: string[] } | undefined {
  const manifest = reading.manifest ?? new Map<string, string>();
  const fromName = parseArchiveFileName(baseName(reading.display));
  const bsn = symbolicName(manifest);
  let usedFileName = false;
  // A file name is Maven's "<artifactId>-<version>" only when it has a version part; "app.jar"
  // may be any name someone chose, so alone it names nothing.
  let artifactId = fromName?.version !== undefined ? coordinate(fromName.artifactId) : undefined;
  if (artifactId) usedFileName = true;
  else artifactId = coordinate(manifest.get('implementation-title'));
  // A versionless file name is taken only where the symbolic name states it too ("org.x.lib" in lib.jar).
  if (!artifactId && fromName && bsn?.endsWith(`.${fromName.artifactId}`)) artifactId = coordinate(fromName.artifactId);

  let version: string | undefined;
  for (const [candidate, fromFile] of [
    [manifest.get('implementation-version'), false],
    [fromName?.version, true],
    [manifest.get('bundle-version'), false],
  ] as const) {
    if (candidate !== undefined && unusableVersion(candidate) === undefined) {
      version = candidate;
      usedFileName ||= fromFile;
      break;
    }
  }

  let groupId = coordinate(manifest.get('implementation-vendor-id'));
  if (groupId && ORGANISATION_VENDOR_IDS.has(groupId)) groupId = undefined;
  // "<groupId>.<artifactId>" is the symbolic name Maven's bundle plugin writes by default, but a
  // project may set its groupId instead: Caffeine's "com.github.ben-manes.caffeine" is the
  // groupId of com.github.ben-manes.caffeine:caffeine, not "com.github.ben-manes". So the
  // prefix is taken only when a vendor attribute states the same group (zstd-jni's
  // "com.github.luben.zstd-jni" with Bundle-Vendor "com.github.luben").
  if (!groupId && bsn && artifactId && bsn.endsWith(`.${artifactId}`)) {
    const prefix = bsn.slice(0, -artifactId.length - 1);
    const vendors = ['bundle-vendor', 'implementation-vendor', 'specification-vendor'].map((key) => manifest.get(key)?.trim());
    if (vendors.includes(prefix)) groupId = coordinate(prefix);
  }

  if (!artifactId || !version) {
    ctx.skip(`${reading.display}: no pom.properties, and neither the manifest nor the file name gives ${[artifactId ? '' : 'an artifactId', version ? '' : 'a version'].filter(Boolean).join(' or ')}`);
    return undefined;
  }
  if (!groupId) {
    ctx.skip(`${reading.display}: no pom.properties, and neither Implementation-Vendor-Id nor Bundle-SymbolicName gives the groupId of ${artifactId} ${version}`);
    return undefined;
  }
  const metadata: PackageMetadata = { evidence: usedFileName ? 'filename' : 'manifest' };
  for (const [key, name] of [
    ['implementation-title', 'implementationTitle'],
    ['implementation-vendor', 'implementationVendor'],
    ['bundle-symbolicname', 'bundleSymbolicName'],
    ['automatic-module-name', 'automaticModuleName'],
  ] as const) {
    const value = manifest.get(key);
    if (value) metadata[name] = value;
  }
  const license = manifest.get('bundle-license');
  const licenses = license ? [license.split(';')[0]!.trim()].filter(Boolean) : [];
  return { coordinates: { groupId, artifactId, version }, metadata, licenses };
}

/**
 * Reads an archive given as bytes, in memory or read by ranges; `path` names it in locations and
 * messages.
 */
export async function parseJavaArchiveBytes(
  input: Buffer | RandomAccessBytes,
  path: string,
  ctx: CatalogContext,
  limits: JavaArchiveLimits = javaArchiveLimits,
  digest: ArchiveDigest = sha1OfBytes,
): Promise<ParsedPackage[]> {
  const bytes = Buffer.isBuffer(input) ? bufferBytes(input) : input;
  if (AMBIGUOUS_EXTENSIONS.test(path) && !isZip(await bytes.readRange(0, 4))) return [];
  const state: FileState = { limits, ctx, inflated: 0, archives: 0, stopped: false, warnedDepth: false };
  return readArchive(bytes, path, 0, state, digest);
}

export async function parseJavaArchive(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parseJavaArchiveBytes(file, file.path, ctx, javaArchiveLimits, () => sha1OfFile(file));
}
