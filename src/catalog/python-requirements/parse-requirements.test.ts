import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { pythonRequirementsCataloger } from './index.js';
import { parseRequirementLine } from './parse-requirement-line.js';
import { isDevelopmentRequirementsFile, MAX_INCLUDE_DEPTH, parseRequirements, requirementsLines } from './parse-requirements.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/python-requirements/', import.meta.url));

/** Parses a file whose neighbours are the other files of `files` (all in one folder). */
async function parse(path: string, files: Record<string, string>) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = await parseRequirements(memoryFile(path, files[path]!, files), ctx);
  const lines = packages.map(
    (p) => `${p.name}@${p.version}${p.development === true ? ' dev' : ''}${p.locationPath ? ` in ${p.locationPath}` : ''}`,
  );
  return { packages, lines, skipped, warnings };
}

describe('python-requirements cataloger', () => {
  it('reads pins, follows -r and -c, marks files named for development, merges one package listed in several files', async () => {
    const result = await catalogTester()
      .fromDirectory('python-requirements/project')
      .withCatalogers(pythonRequirementsCataloger)
      .expectsPackages([
        'celery@5.3.4 pkg:pypi/celery@5.3.4',
        'django@4.2.7 pkg:pypi/django@4.2.7',
        'kombu@5.3.3 pkg:pypi/kombu@5.3.3',
        'pytest@7.4.3 pkg:pypi/pytest@7.4.3',
        'requests@2.31.0 pkg:pypi/requests@2.31.0',
        'sphinx-rtd-theme@1.3.0 pkg:pypi/sphinx-rtd-theme@1.3.0',
        'sphinx@7.2.6 pkg:pypi/sphinx@7.2.6',
        'zope-interface@6.0 pkg:pypi/zope-interface@6.0',
      ]);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    const shop = '/srv/shop';
    expect(byName.get('django')).toEqual({
      name: 'django',
      version: '4.2.7',
      type: 'pypi',
      purl: 'pkg:pypi/django@4.2.7',
      ecosystem: 'PyPI',
      metadata: { originalName: 'Django' },
      // requirements-dev.txt, read first, includes requirements.txt before its own Django line.
      locations: [{ path: `${shop}/requirements.txt` }, { path: `${shop}/requirements-dev.txt` }],
      foundBy: 'python-requirements',
    });
    expect(byName.get('requests')!.metadata).toEqual({ extras: 'socks', markers: 'python_version >= "3.8"' });
    expect(byName.get('zope-interface')!.metadata).toEqual({ originalName: 'zope.interface', arbitraryEquality: true });
    // Pins of a constraints file are located there and say nothing about development.
    expect(byName.get('celery')).toMatchObject({ metadata: { constraint: true }, locations: [{ path: `${shop}/constraints.txt` }] });
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['pytest', 'sphinx-rtd-theme', 'sphinx']);
    // celery is unpinned in requirements.txt but pinned by its constraints file: not counted.
    expect(result.warnings.map((w) => [w.code, w.path, w.message.replace(/^python-requirements: /, '')])).toEqual([
      ['UNPINNED_REQUIREMENTS', `${shop}/requirements-dev.txt`, '2 requirements are not pinned to one version (name==version) and were left out (first: "-e git+https://github.com/acme/billing.git@v1.4#egg=billing" in /srv/shop/requirements.txt)'],
      ['UNPINNED_REQUIREMENTS', `${shop}/requirements.txt`, '1 requirement is not pinned to one version (name==version) and was left out (first: "-e git+https://github.com/acme/billing.git@v1.4#egg=billing")'],
    ]);
  });

  it('skips malformed lines, warns about missing includes and include cycles', async () => {
    const result = await catalogTester()
      .fromDirectory('python-requirements/malformed')
      .withCatalogers(pythonRequirementsCataloger)
      .expectsPackages(['good@1.0 pkg:pypi/good@1.0', 'loop-pkg@0.1 pkg:pypi/loop-pkg@0.1']);
    const summary = result.warnings.map((w) => `${w.code} ${w.path}${w.count ? ` ${w.count}` : ''}`);
    expect(summary).toEqual([
      'REQUIREMENTS_INCLUDE_CYCLE /app/requirements-loop.txt',
      'REQUIREMENTS_INCLUDE_MISSING /app/requirements-loop.txt',
      'MALFORMED_RECORD /app/requirements-loop.txt 3',
      'REQUIREMENTS_INCLUDE_CYCLE /app/requirements.txt',
      'REQUIREMENTS_INCLUDE_MISSING /app/requirements.txt',
      'MALFORMED_RECORD /app/requirements.txt 3',
    ]);
    expect(result.warnings[3]!.message).toContain('/app/requirements.txt → /app/requirements-loop.txt → /app/requirements.txt');
    expect(result.warnings[5]!.message).toContain('line 4: "==2.0" does not start with a package name');
  });

  it.each([
    ['requirements.txt', false],
    ['requirements-dev.txt', true],
    ['requirements_test.txt', true],
    ['dev-requirements.txt', true],
    ['requirements.dev.txt', true],
    ['requirements/dev.txt', true],
    ['requirements/docs.txt', true],
    ['requirements/base.txt', false],
    ['requirements/prod.txt', false],
    ['requirements-devices.txt', false],
    ['requirements-latest.txt', false],
    ['requirements/requirements.txt', false],
  ])('%s is a development file: %s', (name, dev) => {
    expect(isDevelopmentRequirementsFile(`/srv/${name}`)).toBe(dev);
  });

  it.each([
    ['flask==2.0.1', { kind: 'pinned', name: 'flask', version: '2.0.1', operator: '==', extras: [] }],
    ['flask == 2.0.1', { kind: 'pinned', name: 'flask', version: '2.0.1' }],
    ['Flask (==2.0.1)', { kind: 'pinned', name: 'Flask', version: '2.0.1' }],
    ['flask==2.0.1,!=2.0.0', { kind: 'pinned', version: '2.0.1' }],
    ['flask[async, dotenv]==2.0.1;python_version>"3"', { kind: 'pinned', extras: ['async', 'dotenv'], marker: 'python_version>"3"' }],
    ['legacy===1.0-custom', { kind: 'pinned', version: '1.0-custom', operator: '===' }],
    ['torch==2.1.0+cpu', { kind: 'pinned', version: '2.1.0+cpu' }],
    ['flask', { kind: 'unpinned', name: 'flask', why: 'no version' }],
    ['flask>=2', { kind: 'unpinned', why: 'range' }],
    ['flask==2.*', { kind: 'unpinned', why: 'range' }],
    ['flask~=2.0', { kind: 'unpinned', why: 'range' }],
    ['flask @ https://example.com/flask-2.0.1.tar.gz', { kind: 'unpinned', name: 'flask', why: 'url' }],
    ['git+https://github.com/pallets/flask.git', { kind: 'unpinned', why: 'url' }],
    ['./vendor/flask-2.0.1-py3-none-any.whl', { kind: 'unpinned', why: 'path' }],
    ['flask-2.0.1.tar.gz', { kind: 'unpinned', why: 'path' }],
    ['flask==${FLASK_VERSION}', { kind: 'unpinned', why: 'variable' }],
    ['flask==', { kind: 'malformed' }],
    ['flask==two', { kind: 'malformed' }],
    ['flask 2.0', { kind: 'malformed' }],
    ['flask[a==1', { kind: 'malformed' }],
    ['==1.0', { kind: 'malformed' }],
  ])('%s', (line, expected) => {
    expect(parseRequirementLine(line)).toMatchObject(expected);
  });

  it('joins continuation lines and drops comments as pip does', () => {
    expect(requirementsLines('a==1 \\\n  --hash=sha256:00\n# c \\\nb==2 # x\nurl#egg=c\n\\')).toEqual([
      { line: 1, text: 'a==1   --hash=sha256:00' },
      { line: 4, text: 'b==2' },
      { line: 5, text: 'url#egg=c' },
    ]);
  });

  it('bounds include depth', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < MAX_INCLUDE_DEPTH + 5; i++) files[`/r/requirements-${i}.txt`] = `-r requirements-${i + 1}.txt\npkg${i}==1.0\n`;
    const { packages, warnings } = await parse('/r/requirements-0.txt', files);
    expect(packages).toHaveLength(MAX_INCLUDE_DEPTH + 1);
    expect(warnings.map((w) => w.code)).toEqual(['REQUIREMENTS_INCLUDE_NOT_FOLLOWED']);
  });

  it('does not follow URL includes', async () => {
    const { warnings } = await parse('/r/requirements.txt', { '/r/requirements.txt': '-r https://example.com/r.txt\n--constraint=${C}\n' });
    expect(warnings.map((w) => w.code)).toEqual(['REQUIREMENTS_INCLUDE_NOT_FOLLOWED', 'REQUIREMENTS_INCLUDE_NOT_FOLLOWED']);
  });

  it('never throws on arbitrary text, includes included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.string({ maxLength: 100 }), async (text, other) => {
        await parse('/r/requirements.txt', { '/r/requirements.txt': text, '/r/other.txt': `-r requirements.txt\n${other}` });
        await parse('/r/requirements.txt', { '/r/requirements.txt': `-r other.txt\n-c other.txt\n${text}`, '/r/other.txt': other });
      }),
    );
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (line) => void parseRequirementLine(line)));
  });

  describe.skipIf(!existsSync(shared))('on the shared requirements files', () => {
    const files = existsSync(shared)
      ? Object.fromEntries(readdirSync(shared).map((name) => [`/data/${name}`, readFileSync(`${shared}${name}`, 'utf8')]))
      : {};
    const read = (name: string) => parse(`/data/${name}`, files);

    it.each([
      ['comments.txt', ['pycrypto@1.2-alpha', 'gmpy2@1', 'sympy@1.2', 'requests@1.0', 'six@1.2'], 0, 0],
      // ${MY_VARIABLE_1} is filled from the environment when pip runs: unknown here.
      ['env_var.txt', ['asdf@1.2', 'another@1.0'], 1, 0],
      ['extras.txt', ['pyjwt@2.1.0', 'celery@4.4.7'], 0, 0],
      ['multiline_and_comments.txt', ['pkga@1.0', 'pkgb@2.0'], 0, 0],
      ['no_version.txt', [], 3, 0],
      ['trailing_backslash.txt', ['pkg1@1.0'], 0, 0],
      ['other-requirements.txt', ['pandas@2.2.3'], 0, 0],
      [
        'with_versions.txt',
        ['nltk@3.2.2', 'tabulate@0.7.7', 'qwerty@0.1', 'hy-phen@1.2', 'under-score@1.3', 'pkg-dot-name@5.0.0', 'yolo@1.0'],
        4,
        0,
      ],
      // asdf== and ==1.0 and "asdf 1.0" are no requirements; the URL is not pinned; "-foo==1.0" is pip's -f (find-links) option.
      ['invalid.txt', [], 1, 3],
      // Everything before the first option token is the requirement: foo7 keeps its stray word and is malformed,
      // foo10 and foo15 have an empty version.
      [
        'per_req_options.txt',
        [
          'foo1@1.0', 'foo2@1.0', 'foo3@1.0', 'foo4@1.0', 'foo5@1.0', 'foo6@1.0', 'foo8@1.0', 'foo9@1.0', 'foo11@1.0',
          'foo12@1.0', 'foo13@1.0', 'foo14@1.0', 'foo16-client@1.0', 'foo17-hash@1.0', 'foo18-client@1.0',
        ],
        0,
        3,
      ],
    ])('%s', async (name, expected, unpinned, malformed) => {
      const { lines, warnings, skipped } = await read(name);
      expect(lines).toEqual(expected);
      expect(skipped).toHaveLength(malformed);
      if (unpinned === 0) expect(warnings).toEqual([]);
      else {
        expect(warnings.map((w) => w.code)).toEqual(['UNPINNED_REQUIREMENTS']);
        expect(warnings[0]!.message).toMatch(new RegExp(`^${unpinned} requirements? (is|are) not pinned`));
      }
    });

    it('with_versions.txt keeps how names were written', async () => {
      const { packages } = await read('with_versions.txt');
      expect(packages.map((p) => p.metadata?.originalName)).toEqual([undefined, undefined, undefined, undefined, 'under_score', 'pkg.dot.name', undefined]);
      expect(packages.map((p) => p.purl)).toContain('pkg:pypi/pkg-dot-name@5.0.0');
    });

    it('example.txt: one pin, the -r include located in its own file, a missing -c, ten unpinned', async () => {
      const { lines, warnings, skipped } = await read('example.txt');
      expect(lines).toEqual(['docopt@0.6.1', 'pandas@2.2.3 in /data/other-requirements.txt']);
      expect(skipped).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['REQUIREMENTS_INCLUDE_MISSING', 'UNPINNED_REQUIREMENTS']);
      expect(warnings[1]!.message).toBe('10 requirements are not pinned to one version (name==version) and were left out (first: "pytest")');
    });

    it.each(['loop.txt', 'other-loop.txt'])('%s: the include cycle is a warning', async (name) => {
      const { packages, warnings } = await read(name);
      expect(packages).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['REQUIREMENTS_INCLUDE_CYCLE']);
    });
  });
});
