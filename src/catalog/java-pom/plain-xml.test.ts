import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { isPlainWellFormedXml } from './plain-xml.js';
import { decodeXml } from './xml.js';

/** Its answer may only be yes where the validator's is yes; true when it said yes. */
function agrees(text: string): boolean {
  if (!isPlainWellFormedXml(text)) return false;
  expect(XMLValidator.validate(text), JSON.stringify(text)).toBe(true);
  return true;
}

describe('isPlainWellFormedXml', () => {
  it.each([
    '<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi=\'x\'>\n  <a>1 &amp; 2 &#169; &#xA9;</a>\n  <!-- a comment & more -->\n  <b/><c x="1" />\n</project>\n',
    '\uFEFF<project></project>',
    '<!-- first --><p><q>&nbsp;</q></p>\n<!-- last -->\n',
    '<p><d><![CDATA[<br>Copyright &#169; & <q>]]></d></p>',
  ])('says yes to a plain document the validator accepts: %j', (text) => {
    expect(isPlainWellFormedXml(text)).toBe(true);
    expect(XMLValidator.validate(text)).toBe(true);
  });

  it.each([
    ['CDATA outside the root', '<![CDATA[x]]><p></p>'],
    ['unclosed CDATA', '<p><![CDATA[x]></p>'],
    ['not plain: a DOCTYPE', '<!DOCTYPE p><p></p>'],
    ['not plain: a processing instruction inside', '<p><?pi x?></p>'],
    ['a declaration after white space', ' <?xml version="1.0"?><p></p>'],
    ['an unknown reference form', '<p>a & b</p>'],
    ['a reference of 21 word characters', '<p>&abcdefghijklmnopqrstu;</p>'],
    ['mismatched tags', '<p><q></p></q>'],
    ['two roots', '<p></p><q></q>'],
    ['text outside the root', '<p></p>x'],
    ['an unclosed tag', '<p><q></q>'],
    ['a repeated attribute', '<p a="1" a="2"></p>'],
    ['an attribute without white space before it', '<p a="1"b="2"></p>'],
    ['an attribute without a value', '<p a></p>'],
    ['no element', '<?xml version="1.0"?>'],
  ])('says "not known" to %s', (_what, text) => {
    expect(isPlainWellFormedXml(text)).toBe(false);
  });

  it('never says yes where the validator says no, on documents built from near misses', () => {
    const name = fc.constantFrom('p', 'q', 'a:b', '_x', '1x', 'x.y-z', ':', 'é', '');
    const space = fc.constantFrom('', ' ', '\n', '\t', '\r\n', '\f', '\u00a0');
    const value = fc.constantFrom('"v"', "'v'", '"a>b"', '"it\'s"', "'<'", '"', 'v', '""');
    const attribute = fc.tuple(space, name, space, fc.constantFrom('=', ''), space, value).map((parts) => parts.join(''));
    const text = fc.constantFrom('', 'text', ' ', '&amp;', '&#12;', '&#x1F;', '&#;', '&;', '& ', '&abcdefghijklmnopqrst;', '&abcdefghijklmnopqrstu;', '>', ']]>');
    const node: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        text,
        fc.constantFrom('<!-- c -->', '<!-->', '<!---->', '<![CDATA[x]]>', '<![CDATA[<a>&]]>', '<![CDATA[]>', '<?pi x?>', '<!DOCTYPE x>', '</p>', '<p/>', '<p />', '<p/ >'),
        fc
          .tuple(name, fc.array(attribute, { maxLength: 2 }), space, fc.array(tie('node'), { maxLength: 3 }), fc.constantFrom('same', 'other', 'spaced', 'none'))
          .map(([tag, attributes, gap, children, close]) => {
            const end = close === 'same' ? `</${tag}>` : close === 'other' ? '</q>' : close === 'spaced' ? `</${tag} >` : '';
            return `<${tag}${attributes.join('')}${gap}>${children.join('')}${end}`;
          }),
      ),
    })).node;
    const prolog = fc.constantFrom('', '<?xml version="1.0"?>', '<?xml version="1.0"?>\n', '\uFEFF', ' <?xml version="1.0"?>', '<?xml?>', '<?xml-stylesheet x?>', '<!-- c -->\n');
    let yes = 0;
    fc.assert(
      fc.property(prolog, fc.array(node, { minLength: 1, maxLength: 3 }), space, (head, body, tail) => {
        if (agrees(head + body.join('') + tail)) yes++;
      }),
      { numRuns: 20000 },
    );
    // Not a vacuous test: many of them are plain.
    expect(yes).toBeGreaterThan(200);
  });

  it('says yes to the POMs on this machine that the validator accepts, and never where it does not', () => {
    // find lists what it finds in the folders there are, and complains of the others.
    const found = spawnSync('find', ['/usr/share/maven-repo', '/root/.m2/repository', '-name', '*.pom', '-size', '-1024k'], { encoding: 'utf8' });
    const files = (found.stdout ?? '').split('\n').filter(Boolean);
    let plain = 0;
    let valid = 0;
    for (const file of files) {
      const text = decodeXml(readFileSync(file));
      const accepted = XMLValidator.validate(text) === true;
      if (accepted) valid++;
      if (isPlainWellFormedXml(text)) {
        plain++;
        expect(accepted, file).toBe(true);
      }
    }
    // Nearly every POM is plain: the validator is left the odd one.
    expect(plain).toBeGreaterThanOrEqual(Math.floor(valid * 0.9));
  });
});
