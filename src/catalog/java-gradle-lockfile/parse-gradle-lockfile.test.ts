import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { javaGradleLockfileCataloger } from './index.js';
import { isTestConfiguration, parseGradleLockfile, parseGradleLockfileText } from './parse-gradle-lockfile.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/java-gradlelockfile/', import.meta.url));

describe('java-gradle-lockfile cataloger', () => {
  it('reads gradle.lockfile and legacy per-configuration lock files in a multi-project build', async () => {
    const result = await catalogTester()
      .fromDirectory('java-gradle-lockfile/multi-project')
      .withCatalogers(javaGradleLockfileCataloger)
      .expectsPackages([
        'com.fasterxml.jackson.core:jackson-databind@2.15.3 pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.3',
        'com.google.guava:guava@32.1.3-jre pkg:maven/com.google.guava/guava@32.1.3-jre',
        'org.junit.jupiter:junit-jupiter-api@5.10.1 pkg:maven/org.junit.jupiter/junit-jupiter-api@5.10.1',
        'org.mockito:mockito-core@5.7.0 pkg:maven/org.mockito/mockito-core@5.7.0',
        'org.projectlombok:lombok@1.18.30 pkg:maven/org.projectlombok/lombok@1.18.30',
        'org.slf4j:slf4j-api@2.0.9 pkg:maven/org.slf4j/slf4j-api@2.0.9',
        'org.apache.commons:commons-lang3@3.13.0 pkg:maven/org.apache.commons/commons-lang3@3.13.0',
        'org.assertj:assertj-core@3.24.2 pkg:maven/org.assertj/assertj-core@3.24.2',
      ]);
    const dev = result.packages.filter((p) => p.development).map((p) => p.name).sort();
    // commons-lang3 is on a test classpath in one file and the compile classpath in another: not dev only.
    expect(dev).toEqual(['org.assertj:assertj-core', 'org.junit.jupiter:junit-jupiter-api', 'org.mockito:mockito-core']);
    const slf4j = result.packages.find((p) => p.name === 'org.slf4j:slf4j-api')!;
    expect(slf4j.locations.map((l) => l.path)).toEqual(['/app/gradle.lockfile', '/lib/gradle/dependency-locks/compileClasspath.lockfile']);
    expect(slf4j.ecosystem).toBe('Maven');
    expect(slf4j.foundBy).toBe('java-gradle-lockfile');
    expect(result.warnings).toEqual([]);
  });

  it('keeps the configurations as metadata', async () => {
    const { ctx } = recordingContext();
    const packages = await parseGradleLockfile(
      memoryFile('/gradle.lockfile', 'org.projectlombok:lombok:1.18.30=annotationProcessor,compileClasspath\nempty=\n'),
      ctx,
    );
    expect(packages).toEqual([
      {
        name: 'org.projectlombok:lombok',
        version: '1.18.30',
        type: 'maven',
        purl: 'pkg:maven/org.projectlombok/lombok@1.18.30',
        ecosystem: 'Maven',
        development: false,
        metadata: { configurations: 'annotationProcessor,compileClasspath' },
      },
    ]);
  });

  it.each([
    ['testCompileClasspath', true],
    ['testRuntimeClasspath', true],
    ['testFixturesRuntimeClasspath', true],
    ['compileClasspath', false],
    ['runtimeClasspath', false],
    ['developmentOnly', false],
    ['testAnnotationProcessor', false],
    ['annotationProcessor', false],
  ])('%s is a test classpath: %s', (configuration, expected) => {
    expect(isTestConfiguration(configuration)).toBe(expected);
  });

  it('skips malformed lines with a reason and keeps the rest', () => {
    const { ctx, skipped } = recordingContext();
    const text = [
      'a:b:1.0=compileClasspath',
      'no-equals:x:1.0',
      'a:b=compileClasspath',
      'a:b:c:d=compileClasspath',
      'a b:c:1.0=compileClasspath',
      'g:a:[1.0,2.0)=compileClasspath',
      'g:a:=compileClasspath',
      '\r',
      'c:d:2.0=',
    ].join('\r\n');
    const packages = parseGradleLockfileText(text, '/gradle.lockfile', ctx);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['a:b@1.0', 'c:d@2.0']);
    expect(packages[1]!.development).toBeUndefined();
    expect(skipped).toHaveLength(6);
    expect(skipped[0]).toContain('no-equals:x:1.0');
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.boolean(), (text, legacy) => {
        const { ctx } = recordingContext();
        const packages = parseGradleLockfileText(text, legacy ? '/gradle/dependency-locks/testRuntimeClasspath.lockfile' : '/gradle.lockfile', ctx);
        for (const p of packages) expect(p.purl.startsWith('pkg:maven/')).toBe(true);
      }),
    );
  });

  it('never throws on mutated real lines', () => {
    const base = 'org.springframework.boot:spring-boot-autoconfigure:2.7.4=compileClasspath,testRuntimeClasspath\nempty=\n';
    fc.assert(
      fc.property(fc.nat(base.length), fc.string({ maxLength: 12 }), (at, insert) => {
        const { ctx } = recordingContext();
        parseGradleLockfileText(base.slice(0, at) + insert + base.slice(at), '/gradle.lockfile', ctx);
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared real lock files', () => {
    const read = (name: string) => {
      const { ctx, skipped } = recordingContext();
      const packages = parseGradleLockfileText(readFileSync(`${shared}${name}`, 'utf8'), `/${name}/gradle.lockfile`, ctx);
      return { lines: packages.map((p) => `${p.name}@${p.version} dev=${p.development}`), skipped };
    };

    it('one-pkg', () => {
      expect(read('one-pkg')).toEqual({ lines: ['org.springframework.security:spring-security-crypto@5.7.3 dev=false'], skipped: [] });
    });

    it('5-pkg', () => {
      expect(read('5-pkg')).toEqual({
        lines: [
          'org.springframework.boot:spring-boot-autoconfigure@2.7.4 dev=false',
          'org.springframework.boot:spring-boot-configuration-processor@2.7.5 dev=false',
          'org.springframework.boot:spring-boot-devtools@2.7.6 dev=false',
          'org.springframework.boot:spring-boot-starter-aop@2.7.7 dev=false',
          'org.springframework.boot:spring-boot-starter-data-jpa@2.7.8 dev=false',
        ],
        skipped: [],
      });
    });

    it('only-comments and only-empty hold nothing', () => {
      expect(read('only-comments')).toEqual({ lines: [], skipped: [] });
      expect(read('only-empty')).toEqual({ lines: [], skipped: [] });
    });

    it('with-bad-pkg keeps the two good lines and skips the four bad ones ("empty=" lines are not packages)', () => {
      const { lines, skipped } = read('with-bad-pkg');
      expect(lines).toEqual([
        'org.springframework.boot:spring-boot-autoconfigure@2.7.4 dev=false',
        'org.springframework.boot:spring-boot-configuration-processor@2.7.5 dev=false',
      ]);
      expect(skipped).toHaveLength(4);
    });
  });

  describe.skipIf(existsSync(shared))('shared lock files', () => {
    it.skip(`absent: ${shared} does not exist`, () => undefined);
  });
});
