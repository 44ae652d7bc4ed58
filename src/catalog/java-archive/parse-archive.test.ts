import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, packageLine, recordingContext } from '../../../test/harness/catalog.js';
import { buildJar, manifestBytes } from '../../../test/harness/zip-builder.js';
import { writeZip } from '../../../test/harness/zip-writer.js';
import type { RandomAccessBytes } from '../random-access-bytes.js';
import { javaArchiveCataloger } from './index.js';
import { isWantedEntry, javaArchiveLimits, mayBeWantedEntry, parseJavaArchive, parseJavaArchiveBytes } from './parse-archive.js';

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** Writes files into a fresh folder shaped like a root file system; returns its path. */
function tree(files: Record<string, Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-java-archive-'));
  roots.push(root);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  return root;
}

async function parse(bytes: Buffer, path = '/app/app.jar', limits = javaArchiveLimits) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = await parseJavaArchiveBytes(bytes, path, ctx, limits);
  return { packages, skipped, warnings, lines: packages.map((p) => `${p.name}@${p.version}${p.locationPath ? ` at ${p.locationPath}` : ''}`) };
}

const springCore = buildJar({
  poms: [{ groupId: 'org.springframework', artifactId: 'spring-core', version: '6.1.2' }],
  manifest: { 'Implementation-Title': 'spring-core', 'Implementation-Version': '6.1.2', 'Automatic-Module-Name': 'spring.core' },
});
const jacksonDatabind = buildJar({
  poms: [{ groupId: 'com.fasterxml.jackson.core', artifactId: 'jackson-databind', version: '2.15.3' }],
  manifest: { 'Bundle-SymbolicName': 'com.fasterxml.jackson.core.jackson-databind', 'Bundle-Version': '2.15.3' },
});
/** No pom.properties: the manifest names the vendor and version, the file name the artifact. */
const legacyUtil = buildJar({ manifest: { 'Implementation-Vendor-Id': 'com.legacy', 'Implementation-Version': '2.3', 'Implementation-Title': 'Legacy Utilities' } });
/** Nothing names its group: no package, one skip. */
const mystery = buildJar({ manifest: { 'Created-By': '17.0.9 (Eclipse Adoptium)' } });
const fatJar = buildJar({
  poms: [{ groupId: 'com.example', artifactId: 'demo-app', version: '1.0.0' }],
  manifest: { 'Main-Class': 'org.springframework.boot.loader.launch.JarLauncher', 'Start-Class': 'com.example.DemoApplication' },
  nested: {
    'BOOT-INF/lib/spring-core-6.1.2.jar': springCore,
    'BOOT-INF/lib/jackson-databind-2.15.3.jar': jacksonDatabind,
    'BOOT-INF/lib/legacy-util-2.3.jar': legacyUtil,
    'BOOT-INF/lib/mystery.jar': mystery,
  },
  entries: [{ name: 'BOOT-INF/classes/application.properties', data: 'server.port=8080\n' }],
});

describe('java-archive cataloger', () => {
  it('hashes an archive only when it holds a package, and then once', async () => {
    const hashed: string[] = [];
    const digest = async (bytes: RandomAccessBytes) => {
      const whole = await bytes.readRange(0, bytes.size);
      hashed.push(createHash('sha1').update(whole).digest('hex'));
      return hashed.at(-1)!;
    };
    const { ctx } = recordingContext();
    expect(await parseJavaArchiveBytes(mystery, '/app/mystery.jar', ctx, javaArchiveLimits, digest)).toEqual([]);
    expect(hashed).toEqual([]);
    const packages = await parseJavaArchiveBytes(springCore, '/app/spring-core-6.1.2.jar', ctx, javaArchiveLimits, digest);
    expect(hashed).toEqual([createHash('sha1').update(springCore).digest('hex')]);
    expect(packages.map((p) => p.hashes)).toEqual([[{ algorithm: 'SHA-1', value: hashed[0] }]]);
  });

  it('reads a Spring Boot fat jar and the jars in BOOT-INF/lib', async () => {
    const result = await catalogTester()
      .fromDirectory(tree({ 'app/app.jar': fatJar, 'app/README.txt': Buffer.from('hello') }))
      .withCatalogers(javaArchiveCataloger)
      .expectsPackages([
        'com.example:demo-app@1.0.0 pkg:maven/com.example/demo-app@1.0.0',
        'org.springframework:spring-core@6.1.2 pkg:maven/org.springframework/spring-core@6.1.2',
        'com.fasterxml.jackson.core:jackson-databind@2.15.3 pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.3',
        'com.legacy:legacy-util@2.3 pkg:maven/com.legacy/legacy-util@2.3',
      ]);
    const named = (name: string) => result.packages.find((p) => p.name === name)!;
    expect(named('com.example:demo-app').locations).toEqual([{ path: '/app/app.jar' }]);
    expect(named('com.example:demo-app').hashes).toEqual([{ algorithm: 'SHA-1', value: sha1(fatJar) }]);
    expect(named('org.springframework:spring-core').locations).toEqual([{ path: '/app/app.jar!/BOOT-INF/lib/spring-core-6.1.2.jar' }]);
    expect(named('org.springframework:spring-core').hashes).toEqual([{ algorithm: 'SHA-1', value: sha1(springCore) }]);
    expect(named('org.springframework:spring-core').metadata).toEqual({
      evidence: 'pom.properties',
      pomProperties: 'META-INF/maven/org.springframework/spring-core/pom.properties',
    });
    expect(named('com.legacy:legacy-util').metadata).toEqual({ evidence: 'filename', implementationTitle: 'Legacy Utilities' });
    expect(named('com.legacy:legacy-util').ecosystem).toBe('Maven');
    expect(named('com.legacy:legacy-util').foundBy).toBe('java-archive');
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'MALFORMED_RECORD', count: 1, path: '/app/app.jar' })]);
    expect(result.warnings[0]!.message).toContain('/app/app.jar!/BOOT-INF/lib/mystery.jar');
  });

  it('reads an EAR: modules, their WEB-INF/lib, and lib/, each located through every archive it is in', async () => {
    const web = buildJar({
      poms: [{ groupId: 'com.example.shop', artifactId: 'shop-web', version: '3.0.1' }],
      nested: { 'WEB-INF/lib/commons-lang3-3.12.0.jar': buildJar({ poms: [{ groupId: 'org.apache.commons', artifactId: 'commons-lang3', version: '3.12.0' }] }) },
    });
    const ear = buildJar({
      nested: {
        'shop-web.war': web,
        'shop-ejb.jar': buildJar({ poms: [{ groupId: 'com.example.shop', artifactId: 'shop-ejb', version: '3.0.1' }] }),
        'lib/log4j-1.2-api-2.17.1.jar': buildJar({ manifest: { 'Implementation-Vendor-Id': 'org.apache.logging.log4j', 'Implementation-Version': '2.17.1' } }),
      },
      entries: [{ name: 'META-INF/application.xml', data: '<application/>' }],
    });
    const result = await catalogTester()
      .fromDirectory(tree({ 'opt/jboss/deployments/shop.ear': ear }))
      .withCatalogers(javaArchiveCataloger)
      .expectsPackages([
        'com.example.shop:shop-web@3.0.1 pkg:maven/com.example.shop/shop-web@3.0.1',
        'com.example.shop:shop-ejb@3.0.1 pkg:maven/com.example.shop/shop-ejb@3.0.1',
        'org.apache.commons:commons-lang3@3.12.0 pkg:maven/org.apache.commons/commons-lang3@3.12.0',
        'org.apache.logging.log4j:log4j-1.2-api@2.17.1 pkg:maven/org.apache.logging.log4j/log4j-1.2-api@2.17.1',
      ]);
    expect(result.packages.find((p) => p.name === 'org.apache.commons:commons-lang3')!.locations).toEqual([
      { path: '/opt/jboss/deployments/shop.ear!/shop-web.war!/WEB-INF/lib/commons-lang3-3.12.0.jar' },
    ]);
    expect(result.packages.find((p) => p.name === 'org.apache.logging.log4j:log4j-1.2-api')!.metadata).toEqual({ evidence: 'filename' });
    // The EAR itself has no identity: one skip.
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'MALFORMED_RECORD', count: 1 })]);
  });

  it('reports every artifact a shaded jar holds, each with the jar it was read from', async () => {
    const uber = buildJar({
      poms: [
        { groupId: 'com.example', artifactId: 'cli-all', version: '0.9.0' },
        { groupId: 'com.google.guava', artifactId: 'guava', version: '32.1.3-jre' },
        { groupId: 'info.picocli', artifactId: 'picocli', version: '4.7.5' },
      ],
    });
    const { packages, skipped } = await parse(uber, '/usr/local/lib/cli-all-0.9.0.jar');
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['com.example:cli-all@0.9.0', 'com.google.guava:guava@32.1.3-jre', 'info.picocli:picocli@4.7.5']);
    for (const p of packages) expect(p.hashes).toEqual([{ algorithm: 'SHA-1', value: sha1(uber) }]);
    expect(skipped).toEqual([]);
  });

  it('returns the exact package shape, with licenses from the pom.xml beside pom.properties', async () => {
    const jar = buildJar({
      poms: [{ groupId: 'org.slf4j', artifactId: 'slf4j-api', version: '2.0.9' }],
      entries: [
        {
          name: 'META-INF/maven/org.slf4j/slf4j-api/pom.xml',
          data: '<project><artifactId>slf4j-api</artifactId><licenses><license><name>MIT License</name></license></licenses></project>',
        },
      ],
    });
    const { ctx } = recordingContext();
    expect(await parseJavaArchive(memoryFile('/lib/slf4j-api-2.0.9.jar', jar), ctx)).toEqual([
      {
        name: 'org.slf4j:slf4j-api',
        version: '2.0.9',
        type: 'maven',
        purl: 'pkg:maven/org.slf4j/slf4j-api@2.0.9',
        ecosystem: 'Maven',
        licenses: ['MIT License'],
        hashes: [{ algorithm: 'SHA-1', value: sha1(jar) }],
        metadata: { evidence: 'pom.properties', pomProperties: 'META-INF/maven/org.slf4j/slf4j-api/pom.properties' },
      },
    ]);
  });

  it('reads a fully executable jar: a launch script before the zip', async () => {
    const jar = writeZip([{ name: 'META-INF/maven/com.example/svc/pom.properties', data: 'groupId=com.example\nartifactId=svc\nversion=2.0.0\n' }], {
      prefix: Buffer.from('#!/bin/bash\n# launch script\nexec java -jar "$0" "$@"\n'),
    });
    const { lines, warnings } = await parse(jar, '/opt/svc/svc.jar');
    expect({ lines, warnings }).toEqual({ lines: ['com.example:svc@2.0.0'], warnings: [] });
  });

  it.each([
    [
      'an OSGi bundle named without a version',
      '/plugins/widgets-core.jar',
      { 'Bundle-SymbolicName': 'org.example.widgets.widgets-core;singleton:=true', 'Bundle-Vendor': 'org.example.widgets', 'Bundle-Version': '2.1.0.v20231201', 'Bundle-License': 'EPL-2.0;link="https://www.eclipse.org/legal/epl-2.0"' },
      { line: 'org.example.widgets:widgets-core@2.1.0.v20231201', evidence: 'manifest', licenses: ['EPL-2.0'] },
    ],
    [
      'a manifest-only jar whose title is a plain name',
      '/opt/tool/tool.jar',
      { 'Implementation-Title': 'acme-tool', 'Implementation-Version': '5.2', 'Implementation-Vendor-Id': 'com.acme' },
      { line: 'com.acme:acme-tool@5.2', evidence: 'manifest' },
    ],
    [
      'Implementation-Version over the file name',
      '/lib/netty-4.1.jar',
      { 'Implementation-Vendor-Id': 'io.netty', 'Implementation-Version': '4.1.100.Final' },
      { line: 'io.netty:netty@4.1.100.Final', evidence: 'filename' },
    ],
  ])('identifies %s from its manifest', async (_what, path, manifest, expected) => {
    const { packages, skipped } = await parse(buildJar({ manifest }), path);
    expect(skipped).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual([expected.line]);
    expect(packages[0]!.metadata?.evidence).toBe(expected.evidence);
    if ('licenses' in expected) expect(packages[0]!.licenses).toEqual(expected.licenses);
  });

  it.each([
    ['no group anywhere', '/lib/foo-1.0.jar', {}, 'groupId'],
    ['no version anywhere', '/lib/foo.jar', { 'Implementation-Vendor-Id': 'com.foo', 'Implementation-Title': 'foo' }, 'gives a version'],
    ['a versionless file name alone', '/lib/foo.jar', { 'Implementation-Vendor-Id': 'com.foo', 'Implementation-Version': '1.0' }, 'gives an artifactId'],
    ['no name anywhere', '/lib/app.jar', { 'Implementation-Title': 'My Great App', 'Implementation-Version': '1.0', 'Implementation-Vendor-Id': 'com.foo' }, 'an artifactId'],
    ['a symbolic name that does not end in the artifact', '/lib/widgets-2.0.jar', { 'Bundle-SymbolicName': 'org.example.other' }, 'groupId'],
    // commons-logging 1.1's real manifest: Apache's organisation, not the group commons-logging.
    ['an organisation-wide vendor id', '/lib/commons-logging-1.1.jar', { 'Implementation-Vendor-Id': 'org.apache', 'Implementation-Version': '1.1' }, 'groupId'],
    // Caffeine's real manifest: its symbolic name is its groupId, not "<groupId>.<artifactId>".
    [
      'a symbolic name no vendor confirms',
      '/lib/caffeine-3.1.8.jar',
      { 'Bundle-SymbolicName': 'com.github.ben-manes.caffeine', 'Bundle-Version': '3.1.8', 'Implementation-Title': 'A high performance caching library' },
      'groupId',
    ],
  ])('never guesses: %s is a skip, not a package', async (_what, path, manifest, reason) => {
    const { packages, skipped } = await parse(buildJar({ manifest }), path);
    expect(packages).toEqual([]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toContain(reason);
  });

  it('skips a pom.properties without a version, and takes group and artifact from its folder when it omits them', async () => {
    const jar = writeZip([
      { name: 'META-INF/maven/org.a/a/pom.properties', data: 'groupId=org.a\nartifactId=a\n' },
      { name: 'META-INF/maven/org.b/b/pom.properties', data: 'version=2.0\n' },
      { name: 'META-INF/maven/org.c/c/pom.properties', data: 'groupId=org c\nartifactId=c\nversion=1\n' },
      { name: 'META-INF/maven/org.d/d/pom.properties', data: 'groupId=org.d\nartifactId=d\nversion=${project.version}\n' },
    ]);
    const { lines, skipped } = await parse(jar);
    expect(lines).toEqual(['org.b:b@2.0']);
    expect(skipped).toHaveLength(3);
  });

  describe('hostile archives', () => {
    it('stops reading an archive at a zip bomb, keeping what was found before it', async () => {
      const zeros = Buffer.alloc(4 * 1024 * 1024);
      expect(deflateRawSync(zeros).length * javaArchiveLimits.maxRatio).toBeLessThan(zeros.length);
      const jar = writeZip([
        { name: 'META-INF/maven/g/a/pom.properties', data: 'groupId=g\nartifactId=a\nversion=1\n' },
        { name: 'BOOT-INF/lib/bomb.jar', data: zeros },
        { name: 'META-INF/maven/g/b/pom.properties', data: 'groupId=g\nartifactId=b\nversion=1\n' },
      ]);
      const { lines, warnings } = await parse(jar);
      expect(lines).toEqual(['g:a@1']);
      expect(warnings).toEqual([expect.objectContaining({ code: 'ZIP_BOMB' })]);
      expect(warnings[0]!.message).toContain('BOOT-INF/lib/bomb.jar');
    });

    it('never follows names outside the archive root, and reads the first of duplicate names', async () => {
      const jar = writeZip([
        { name: '../../etc/cron.d/evil.jar', data: buildJar({ poms: [{ groupId: 'evil', artifactId: 'evil', version: '1' }] }) },
        { name: '/META-INF/maven/evil/abs/pom.properties', data: 'groupId=evil\nartifactId=abs\nversion=1\n' },
        { name: 'META-INF/maven/g/a/pom.properties', data: 'groupId=g\nartifactId=a\nversion=1\n' },
        { name: 'META-INF/maven/g/a/pom.properties', data: 'groupId=g\nartifactId=a\nversion=666\n' },
      ]);
      const { lines, warnings } = await parse(jar);
      expect(lines).toEqual(['g:a@1']);
      expect(warnings.map((w) => w.code)).toEqual(['UNSAFE_PATH', 'DUPLICATE_ENTRY']);
      expect(warnings[0]!.message).toContain('2 entries');
    });

    it('reads nested archives to the depth limit and warns once beyond it', async () => {
      let jar = buildJar({ poms: [{ groupId: 'g', artifactId: 'level-6', version: '1' }] });
      for (let level = 5; level >= 0; level--) {
        jar = buildJar({ poms: [{ groupId: 'g', artifactId: `level-${level}`, version: '1' }], nested: { [`lib/level-${level + 1}.jar`]: jar } });
      }
      const { lines, warnings } = await parse(jar, '/a.jar');
      expect(lines.map((l) => l.split(' at ')[0])).toEqual(['g:level-0@1', 'g:level-1@1', 'g:level-2@1', 'g:level-3@1', 'g:level-4@1']);
      expect(lines[4]).toBe('g:level-4@1 at /a.jar!/lib/level-1.jar!/lib/level-2.jar!/lib/level-3.jar!/lib/level-4.jar');
      expect(warnings).toEqual([expect.objectContaining({ code: 'ARCHIVE_TOO_DEEP' })]);
    });

    it('caps entries, inflated bytes per archive and per file, and archives per file', async () => {
      const many = writeZip([
        ...Array.from({ length: 10 }, (_, i) => ({ name: `META-INF/maven/g/a${i}/pom.properties`, data: `groupId=g\nartifactId=a${i}\nversion=1\n` })),
      ]);
      const fewEntries = await parse(many, '/m.jar', { ...javaArchiveLimits, maxEntries: 4 });
      expect(fewEntries.lines).toEqual(['g:a0@1', 'g:a1@1', 'g:a2@1', 'g:a3@1']);
      expect(fewEntries.warnings).toEqual([expect.objectContaining({ code: 'ARCHIVE_TOO_MANY_ENTRIES' })]);

      const fewBytes = await parse(many, '/m.jar', { ...javaArchiveLimits, maxArchiveBytes: 100 });
      expect(fewBytes.lines.length).toBeLessThan(10);
      expect(fewBytes.warnings).toEqual([expect.objectContaining({ code: 'ARCHIVE_TOO_LARGE' })]);

      const fewFileBytes = await parse(fatJar, '/f.jar', { ...javaArchiveLimits, maxFileBytes: 2000 });
      expect(fewFileBytes.warnings).toEqual([expect.objectContaining({ code: 'ARCHIVE_TOO_LARGE' })]);

      const fewArchives = await parse(fatJar, '/f.jar', { ...javaArchiveLimits, maxArchives: 2 });
      expect(fewArchives.lines.map((l) => l.split(' at ')[0])).toEqual(['com.example:demo-app@1.0.0', 'org.springframework:spring-core@6.1.2']);
      expect(fewArchives.warnings).toEqual([expect.objectContaining({ code: 'ARCHIVE_TOO_MANY_NESTED' })]);
    });

    it('warns about damaged archives and entries, and goes on with the rest', async () => {
      const jar = writeZip([
        { name: 'lib/broken-1.0.jar', data: Buffer.from('PK\u0003\u0004 this is not really a zip'), method: 'store' },
        { name: 'lib/bad-crc-1.0.jar', data: buildJar({ poms: [{ groupId: 'g', artifactId: 'bad', version: '1' }] }), declaredCrc: 12345 },
        { name: 'lib/lzma-1.0.jar', data: Buffer.from('xx'), methodNumber: 14 },
        { name: 'lib/good-1.0.jar', data: buildJar({ poms: [{ groupId: 'g', artifactId: 'good', version: '1' }] }) },
        { name: 'lib/not-a-resource-adapter.rar', data: Buffer.from('Rar!\u001a\u0007\u0000'), method: 'store' },
      ]);
      const { lines, warnings } = await parse(jar, '/x.jar');
      expect(lines).toEqual(['g:good@1 at /x.jar!/lib/good-1.0.jar']);
      expect(warnings.map((w) => w.code)).toEqual(['ARCHIVE_UNREADABLE', 'ARCHIVE_ENTRY_UNREADABLE', 'ARCHIVE_ENTRY_UNREADABLE']);
    });

    it('warns about a .jar that is not a zip, and passes over a .rar that is RAR', async () => {
      expect((await parse(Buffer.from('not a zip'), '/a.jar')).warnings).toEqual([expect.objectContaining({ code: 'ARCHIVE_UNREADABLE' })]);
      expect(await parse(Buffer.from('Rar!\u001a\u0007\u0000 data'), '/a.rar')).toMatchObject({ packages: [], warnings: [], skipped: [] });
    });

    it('never throws on arbitrary bytes', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
          await parse(Buffer.from(bytes), '/r.jar');
        }),
        { numRuns: 200 },
      );
    });

    it('never throws on damaged real archives', async () => {
      const small = buildJar({
        poms: [{ groupId: 'g', artifactId: 'a', version: '1' }],
        manifest: { 'Implementation-Version': '1' },
        nested: { 'lib/b-1.jar': buildJar({ poms: [{ groupId: 'g', artifactId: 'b', version: '1' }] }) },
      });
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.nat(small.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (edits) => {
          const copy = Buffer.from(small);
          for (const [at, value] of edits) copy[at] = value;
          const { packages } = await parse(copy, '/m.jar');
          for (const p of packages) expect(p.purl.startsWith('pkg:maven/')).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  });

  it('writes a manifest the way the JDK does, which this reads back', async () => {
    const title = 'Ünïcödé '.repeat(12).trim();
    expect(manifestBytes({ 'Implementation-Title': title }).toString('latin1').split('\r\n').every((line) => Buffer.byteLength(line, 'latin1') <= 72)).toBe(true);
    const { packages } = await parse(
      buildJar({ manifest: { 'Implementation-Title': title, 'Implementation-Vendor-Id': 'com.example', 'Implementation-Version': '1.0' } }),
      '/lib/u-1.0.jar',
    );
    expect(packages[0]!.metadata?.implementationTitle).toBe(title);
  });

  it('looks at the bytes of no plain name it would want and turn away', () => {
    const part = fc.constantFrom('META-INF', 'meta-inf', 'maven', 'g', 'a', 'pom.xml', 'pom.properties', 'MANIFEST.MF', 'manifest.mf', 'x.jar', 'X.JaR', 'y.war', 'z.RAR', 'j.jars', '.ear', 'A.class', '');
    const name = fc.array(part, { minLength: 1, maxLength: 6 }).chain((parts) => fc.constantFrom(parts.join('/'), parts.join('\\'), parts.join('')));
    fc.assert(
      fc.property(name, (raw) => {
        const bytes = Buffer.from(`>${raw}<`, 'latin1');
        if (isWantedEntry(raw.replace(/\\/g, '/'))) expect(mayBeWantedEntry(bytes, 1, bytes.length - 1), raw).toBe(true);
      }),
      { numRuns: 5000 },
    );
    const look = (raw: string) => mayBeWantedEntry(Buffer.from(raw, 'latin1'), 0, raw.length);
    expect(['com/example/A.class', 'META-INF/NOTICE.txt', 'x.jarx', 'META-INF/MANIFEST.MF'].map(look)).toEqual([false, false, false, true]);
  });

  it('is named like its folder and matches archives anywhere', () => {
    expect(javaArchiveCataloger.name).toBe('java-archive');
    expect(javaArchiveCataloger.patterns).toContain('/**/*.jar');
    expect(packageLine({ name: 'a:b', version: '1', purl: 'pkg:maven/a/b@1' })).toBe('a:b@1 pkg:maven/a/b@1');
  });
});

describe('java-archive with the other Java catalogers', () => {
  it('merges a project built from a POM with the jars it produced into one package per artifact', async () => {
    const { javaPomCataloger } = await import('../java-pom/index.js');
    const { javaGradleLockfileCataloger } = await import('../java-gradle-lockfile/index.js');
    const appJar = buildJar({ poms: [{ groupId: 'com.example', artifactId: 'app', version: '1.0.0' }] });
    const slf4j = buildJar({ poms: [{ groupId: 'org.slf4j', artifactId: 'slf4j-api', version: '2.0.9' }] });
    const pom = `<project><groupId>com.example</groupId><artifactId>app</artifactId><version>1.0.0</version>
      <dependencies><dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.9</version></dependency></dependencies></project>`;
    const result = await catalogTester()
      .fromDirectory(
        tree({
          'src/app/pom.xml': Buffer.from(pom),
          'src/app/target/app-1.0.0.jar': appJar,
          'src/app/target/lib/slf4j-api-2.0.9.jar': slf4j,
        }),
      )
      // The archive cataloger first, so the merged packages keep the archive's SHA-1 (the driver
      // keeps the first finder's fields and adds later locations only).
      .withCatalogers(javaArchiveCataloger, javaPomCataloger, javaGradleLockfileCataloger)
      .expectsPackages(['com.example:app@1.0.0 pkg:maven/com.example/app@1.0.0', 'org.slf4j:slf4j-api@2.0.9 pkg:maven/org.slf4j/slf4j-api@2.0.9']);
    const app = result.packages.find((p) => p.name === 'com.example:app')!;
    expect(app.locations.map((l) => l.path)).toEqual(['/src/app/target/app-1.0.0.jar', '/src/app/pom.xml']);
    expect(app.hashes).toEqual([{ algorithm: 'SHA-1', value: sha1(appJar) }]);
    expect(result.packages.find((p) => p.name === 'org.slf4j:slf4j-api')!.locations.map((l) => l.path)).toEqual([
      '/src/app/target/lib/slf4j-api-2.0.9.jar',
      '/src/app/pom.xml',
    ]);
    expect(result.warnings).toEqual([]);
  });
});
