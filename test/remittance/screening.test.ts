// Sanctions screening keys (src/apps/remittance/screening.ts): normalisation, phonetic skeletons,
// the keys' invariances (property tests) and the matching rule.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  honorifics,
  matchesEntry,
  nameCharsMax,
  nameKeys,
  nameTokensMax,
  normaliseName,
  phoneticKey,
} from '../../src/apps/remittance/screening.ts';
import { compareBytes, toHex } from '../../src/util/bytes.ts';

const hexes = (keys: readonly Uint8Array[]): string[] => keys.map(toHex);
const sameKeys = (a: string, b: string): boolean =>
  toHex(new Uint8Array(nameKeys(a).flatMap((k) => [...k]))) ===
  toHex(new Uint8Array(nameKeys(b).flatMap((k) => [...k])));
const matches = (name: string, entry: string): boolean =>
  matchesEntry(nameKeys(name), nameKeys(entry));

/** Tokens of Latin letters that are not honorifics, so a generated name keeps all its tokens. */
const token = fc.stringMatching(/^[a-z]{2,9}$/).filter((t) => !honorifics.has(t));
const tokens = fc.array(token, { minLength: 1, maxLength: 6 });
const separator = fc
  .stringMatching(/^[ \-.,;:/()"&]{1,3}$/)
  .filter((s) => s.trim().length > 0 || s.length > 0);
const combining = fc.constantFrom(
  '\u0300',
  '\u0301',
  '\u0302',
  '\u0303',
  '\u0308',
  '\u030a',
  '\u0327',
  '\u030c',
);

describe('normaliseName', () => {
  test('folds case, marks and punctuation, and drops honorifics', () => {
    assert.deepEqual(normaliseName("  Dr. José O'Brien-García, Jr. "), [
      'jose',
      'obrien',
      'garcia',
    ]);
    assert.deepEqual(normaliseName('Straße Æsir İstanbul Łódź'), [
      'strasse',
      'aesir',
      'istanbul',
      'lodz',
    ]);
    assert.deepEqual(normaliseName('Haji Mr. Sheikh  '), []);
    assert.deepEqual(normaliseName('ＪＯＨＮ\u00a0SMITH'), ['john', 'smith']);
  });

  test('keeps letters of other scripts as tokens', () => {
    assert.deepEqual(normaliseName('محمد علي'), ['محمد', 'علي']);
    assert.deepEqual(normaliseName('王 小明'), ['王', '小明']);
  });

  test('error: a name longer than nameCharsMax', () => {
    assert.throws(() => normaliseName('a'.repeat(nameCharsMax + 1)), RangeError);
  });
});

describe('phoneticKey', () => {
  const groups = [
    ['mohammed', 'muhammad', 'mohamed', 'mohammad', 'muhammed', 'mohamad'],
    ['jon', 'john'],
    ['catherine', 'katherine', 'katharine'],
    ['sergei', 'sergey', 'serguei'],
    ['osama', 'usama'],
    ['hussein', 'husayn', 'hussain', 'husein'],
    ['yusuf', 'youssef', 'yousef'],
    ['aleksander', 'alexander'],
    ['christopher', 'kristopher'],
    ['vladimir', 'wladimir'],
    ['ivanov', 'ivanoff'],
    ['philip', 'filip', 'phillip'],
  ];
  for (const group of groups) {
    test(`${group.join(' / ')} share one skeleton`, () => {
      const keys = new Set(group.map(phoneticKey));
      assert.equal(keys.size, 1, [...keys].join(', '));
    });
  }

  test('documented skeletons', () => {
    assert.equal(phoneticKey('mohammed'), 'm*h*m*d');
    assert.equal(phoneticKey('john'), 'j*n');
    assert.equal(phoneticKey('catherine'), 'k*t*r*n*');
    assert.equal(phoneticKey('sergey'), 's*rg*');
  });

  test('unrelated tokens keep apart', () => {
    const distinct = [
      'mohammed',
      'mahmoud',
      'ahmed',
      'john',
      'jane',
      'smith',
      'schmidt',
      'peter',
      'paul',
      'maria',
      'sergei',
      'serena',
    ];
    assert.equal(new Set(distinct.map(phoneticKey)).size, distinct.length);
  });
});

describe('nameKeys', () => {
  test('32-byte keys, deduplicated and sorted', () => {
    const keys = nameKeys('Mohammed Muhammad Ali');
    assert.equal(keys.length, 2);
    for (const k of keys) assert.equal(k.length, 32);
    assert.deepEqual(hexes(keys), hexes([...keys].sort(compareBytes)));
    assert.deepEqual(nameKeys('Mr.'), []);
  });

  test('at most nameTokensMax keys, whatever the order of a long name', () => {
    const words = 'anna bella carla dora emma fiona greta hanna ida julia karla lena'.split(' ');
    const keys = nameKeys(words.join(' '));
    assert.equal(keys.length, nameTokensMax);
    assert.deepEqual(hexes(nameKeys([...words].reverse().join(' '))), hexes(keys));
  });

  test('property: keys do not depend on token order', () => {
    fc.assert(
      fc.property(tokens, fc.infiniteStream(fc.nat()), (ts, randoms) => {
        const shuffled = [...ts];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = randoms.next().value % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        assert.ok(sameKeys(ts.join(' '), shuffled.join(' ')));
      }),
    );
  });

  test('property: keys do not depend on case, diacritics or composition', () => {
    fc.assert(
      fc.property(
        tokens,
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        fc.array(combining, { minLength: 60, maxLength: 60 }),
        (ts, flags, marks) => {
          const plain = ts.join(' ');
          let i = 0;
          const varied = [...plain]
            .map((c) => {
              const k = i++;
              const cased = flags[k % flags.length] ? c.toUpperCase() : c;
              return c === ' ' || !flags[(k + 7) % flags.length]
                ? cased
                : cased + marks[k % marks.length];
            })
            .join('');
          assert.ok(sameKeys(plain, varied));
          assert.ok(sameKeys(plain, varied.normalize('NFC')));
        },
      ),
    );
  });

  test('property: keys do not depend on punctuation between or around tokens', () => {
    fc.assert(
      fc.property(tokens, fc.array(separator, { minLength: 7, maxLength: 7 }), (ts, seps) => {
        const punctuated = seps[0] + ts.map((t, i) => t + seps[(i + 1) % seps.length]).join('');
        assert.ok(sameKeys(ts.join(' '), punctuated));
      }),
    );
  });

  test('property: honorifics are ignored wherever they stand', () => {
    const titles = fc.constantFrom(
      'Mr',
      'Mrs.',
      'Dr',
      'Haji',
      'Hajji',
      'Sheikh',
      'Prof.',
      'Sir',
      'Jr.',
      'Ms',
    );
    fc.assert(
      fc.property(tokens, titles, fc.nat(), (ts, title, at) => {
        const withTitle = [...ts];
        withTitle.splice(at % (ts.length + 1), 0, title);
        assert.ok(sameKeys(ts.join(' '), withTitle.join(' ')));
      }),
    );
  });
});

describe('matchesEntry', () => {
  test('spelling variants match the listed name', () => {
    assert.ok(matches('Muhammad Hassan', 'Mohammed Hassan'));
    assert.ok(matches('Mohamed HASSAN', 'Mohammed Hassan'));
    assert.ok(matches('Jon Smith', 'John Smith'));
    assert.ok(matches('Katherine Ross', 'Catherine Ross'));
    assert.ok(matches('Sergey Ivanov', 'Sergei Ivanoff'));
    assert.ok(matches('Usama bin Ladin', 'Osama bin Laden'));
  });

  test('honorifics and punctuation do not matter', () => {
    assert.ok(matches('Haji Mohammed Hassan', 'Mohammed Hassan'));
    assert.ok(matches('Dr. Sergey Ivanov', 'Mr Sergei Ivanov'));
    assert.ok(matches('HASSAN, Mohammed', 'Mohammed Hassan'));
  });

  test('unrelated names do not match', () => {
    assert.ok(!matches('Mahmoud Hassan', 'Mohammed Hassan'));
    assert.ok(!matches('Jane Smith', 'John Smith'));
    assert.ok(!matches('Peter Parker', 'John Smith'));
    assert.ok(!matches('Maria Santos', 'Juan dela Cruz'));
    assert.ok(!matches('John', 'John Smith'));
  });

  test('a name must hold every key of a one- or two-token entry', () => {
    assert.ok(matches('Smith', 'Smith'));
    assert.ok(matches('John Andrew Smith', 'John Smith'));
    assert.ok(!matches('Andrew Smith', 'John Smith'));
  });

  test('all but one key of an entry with three or more', () => {
    assert.ok(matches('Abu Bakr Baghdadi', 'Abu Bakr al-Baghdadi'));
    assert.ok(matches('Ivan Petrovich Sidorov', 'Ivan Sidorov'));
    assert.ok(matches('Ivan Sidorov', 'Ivan Petrovich Sidorov'));
    assert.ok(!matches('Ivan Smith', 'Ivan Petrovich Sidorov'));
    assert.ok(matches('Ana Maria Lopez', 'Ana Maria Lopez Garcia'));
    assert.ok(!matches('Ana Lopez', 'Ana Maria Lopez Garcia'));
  });

  test('an entry with no key matches nothing; duplicate entry keys count once', () => {
    assert.ok(!matchesEntry(nameKeys('John Smith'), []));
    const [a, b] = nameKeys('John Smith');
    assert.ok(matchesEntry([a!, b!], [a!, a!, b!]));
    assert.ok(!matchesEntry([a!], [a!, a!, b!]));
  });
});
