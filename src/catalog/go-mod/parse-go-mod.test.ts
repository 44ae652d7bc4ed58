import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, packageLine, recordingContext } from '../../../test/harness/catalog.js';
import { goModCataloger } from './index.js';
import { parseGoModText } from './parse-go-mod.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/golang-gomod/', import.meta.url));

function read(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parseGoModText(text, ctx);
  return { packages, lines: packages.map(packageLine), skipped, warnings };
}

describe('go-mod cataloger', () => {
  it('reads require, replace and exclude as Go builds them; go.sum is not read', async () => {
    const result = await catalogTester()
      .fromDirectory('go-mod/project')
      .withCatalogers(goModCataloger)
      .expectsPackages([
        'github.com/BurntSushi/toml@v1.3.2 pkg:golang/github.com/BurntSushi/toml@v1.3.2',
        'golang.org/x/net@v0.18.0 pkg:golang/golang.org/x/net@v0.18.0',
        'gopkg.in/yaml.v3@v3.0.1 pkg:golang/gopkg.in/yaml.v3@v3.0.1',
        'example.com/fork/old@v1.3.1 pkg:golang/example.com/fork/old@v1.3.1',
        'golang.org/x/tools@v0.14.0 pkg:golang/golang.org/x/tools@v0.14.0',
      ]);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('example.com/fork/old')).toEqual({
      name: 'example.com/fork/old',
      version: 'v1.3.1',
      type: 'golang',
      purl: 'pkg:golang/example.com/fork/old@v1.3.1',
      ecosystem: 'Go',
      metadata: { replaces: 'example.com/old', replacesVersion: 'v1.0.0' },
      locations: [{ path: '/src/app/go.mod' }],
      foundBy: 'go-mod',
    });
    expect(byName.get('golang.org/x/net')!.metadata).toEqual({ indirect: true, replaces: 'golang.org/x/net', replacesVersion: 'v0.17.0' });
    expect(byName.get('gopkg.in/yaml.v3')!.metadata).toEqual({ indirect: true });
    expect(byName.get('github.com/BurntSushi/toml')!.metadata).toBeUndefined();
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 2, path: '/src/app/go.mod' }),
    ]);
    expect(result.warnings[0]!.message).toContain('example.com/local v0.0.0-00010101000000-000000000000 is replaced by the directory ../local');
  });

  it('reports why it skipped the local replacement and the excluded version', () => {
    const text = readFileSync(fileURLToPath(new URL('../../../test/fixtures/catalog/go-mod/project/src/app/go.mod', import.meta.url)), 'utf8');
    expect(read(text).skipped).toEqual([
      'example.com/local v0.0.0-00010101000000-000000000000 is replaced by the directory ../local, which has no version',
      'example.com/gone v1.1.0 is required but excluded; the version Go would use instead is not in go.mod',
    ]);
  });

  it.each([
    ['single-line require', 'module m\nrequire a.example/b v1.0.0\n', ['a.example/b@v1.0.0 pkg:golang/a.example/b@v1.0.0']],
    ['a one-word module path', 'require golang.org v0.1.0\n', ['golang.org@v0.1.0 pkg:golang/golang.org@v0.1.0']],
    ['a raw-string path and CRLF line ends', 'require (\r\n\t`a.example/b` v1.0.0\r\n)\r\n', ['a.example/b@v1.0.0 pkg:golang/a.example/b@v1.0.0']],
    ['an empty block', 'require ()\nrequire (\n)\n', []],
    ['+incompatible', 'require github.com/docker/docker v24.0.7+incompatible\n', ['github.com/docker/docker@v24.0.7+incompatible pkg:golang/github.com/docker/docker@v24.0.7%2Bincompatible']],
    ['a Windows directory replacement', 'require a.example/b v1.0.0\nreplace a.example/b => C:\\src\\b\n', []],
    ['the main module alone', 'module example.com/app\n\ngo 1.21\n', []],
  ])('%s', (_label, text, expected) => {
    expect(read(text).lines).toEqual(expected);
  });

  it('skips malformed lines and warns about a file with no go.mod directive at all', () => {
    const bad = read('module m\nrequire a.example/b\nrequire (\n\tc.example/d v1.0.0 extra\n\te.example/f v2.0.0\n)\nreplace x => \nfrobnicate z\n');
    expect(bad.lines).toEqual(['e.example/f@v2.0.0 pkg:golang/e.example/f@v2.0.0']);
    expect(bad.skipped).toEqual([
      'line 2: require takes a module path and a version',
      'line 4: require takes a module path and a version',
      'line 7: replace takes "module [version] => path [version]"',
      'line 8: unknown directive "frobnicate"',
    ]);
    expect(read('<html>not go.mod</html>\n')).toMatchObject({ lines: [], warnings: [{ code: 'UNREADABLE_GOMOD' }] });
    expect(read('require (\n\ta.example/b v1.0.0\n').skipped).toEqual(['the require block is not closed']);
  });

  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'require replace exclude ()=>/"`\n\t v1.2.3 a.b/c ./d'.split('')), maxLength: 200 }), (text) => {
        read(text);
      }),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.string(), (text) => void read(text)));
  });
});

describe.skipIf(!existsSync(shared))('go-mod cataloger on the shared golang-gomod files', () => {
  const file = (name: string) => read(readFileSync(`${shared}${name}`, 'utf8'));
  const toml = 'github.com/BurntSushi/toml@v1.0.0 pkg:golang/github.com/BurntSushi/toml@v1.0.0';

  it.each([
    ['empty.mod', []],
    ['one-package.mod', [toml]],
    ['two-packages.mod', [toml, 'gopkg.in/yaml.v2@v2.4.0 pkg:golang/gopkg.in/yaml.v2@v2.4.0']],
    // go.sum beside it lists testify, go-spew… which are not in the build list that go.mod gives.
    ['indirect-1.16.mod', ['github.com/sirupsen/logrus@v1.9.3 pkg:golang/github.com/sirupsen/logrus@v1.9.3']],
    [
      'indirect-1.23.mod',
      [
        'github.com/sirupsen/logrus@v1.9.3 pkg:golang/github.com/sirupsen/logrus@v1.9.3',
        'golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8 pkg:golang/golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8',
      ],
    ],
    [
      'indirect-packages.mod',
      [
        toml,
        'gopkg.in/yaml.v2@v2.4.0 pkg:golang/gopkg.in/yaml.v2@v2.4.0',
        'github.com/mattn/go-colorable@v0.1.9 pkg:golang/github.com/mattn/go-colorable@v0.1.9',
        'github.com/mattn/go-isatty@v0.0.14 pkg:golang/github.com/mattn/go-isatty@v0.0.14',
        'golang.org/x/sys@v0.0.0-20210630005230-0f9fa26af87c pkg:golang/golang.org/x/sys@v0.0.0-20210630005230-0f9fa26af87c',
      ],
    ],
    // Two versions of x/net required: the build uses the higher, v1.2.3, replaced as its line says.
    ['replace-different.mod', ['example.com/fork/foe@v1.4.5 pkg:golang/example.com/fork/foe@v1.4.5']],
    ['replace-mixed.mod', ['example.com/fork/net@v1.4.5 pkg:golang/example.com/fork/net@v1.4.5']],
    ['replace-no-version.mod', ['example.com/fork/net@v1.4.5 pkg:golang/example.com/fork/net@v1.4.5']],
    ['replace-not-required.mod', ['golang.org/x/net@v0.5.6 pkg:golang/golang.org/x/net@v0.5.6', toml]],
    ['replace-one.mod', ['example.com/fork/net@v1.4.5 pkg:golang/example.com/fork/net@v1.4.5']],
    ['replace-local.mod', [toml]],
    ['toolchain.mod', [toml]],
    ['toolchain-with-suffix.mod', [toml]],
  ])('%s', (name, expected) => {
    const { lines, warnings } = file(name);
    expect(lines).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it('marks indirect requirements', () => {
    const { packages } = file('indirect-packages.mod');
    expect(packages.filter((p) => p.metadata?.indirect).map((p) => p.name)).toEqual(['github.com/mattn/go-colorable', 'github.com/mattn/go-isatty', 'golang.org/x/sys']);
  });

  it('warns about a file that is not go.mod', () => {
    expect(file('not-go-mod.mod')).toMatchObject({ lines: [], warnings: [{ code: 'UNREADABLE_GOMOD', message: 'not a go.mod file: line 1: unknown directive "this"' }] });
    expect(file('replace-local.mod').skipped).toEqual(['golang.org/x/net v1.2.3 is replaced by the directory ./fork/net, which has no version']);
  });
});
