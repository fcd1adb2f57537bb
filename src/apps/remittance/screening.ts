// Sanctions screening keys: a name becomes a few hashed phonetic skeletons of its tokens, so the
// chain can screen parties without ever holding their names in clear. Browser-safe; no dependency.
//
// Normalisation (normaliseName), in order:
//   1. apostrophes (' ’ ‘ ʼ `) are deleted, so O'Brien = OBrien;
//   2. NFKD, then every combining mark is stripped (José = Jose, Đ/ß/Æ/Œ/Ø/Ł/Þ/ı are spelled out as
//      d/ss/ae/oe/o/l/th/i since they do not decompose), then lower case;
//   3. anything that is not a letter or a digit (any script) separates tokens;
//   4. honorifics and titles are dropped (mr, mrs, dr, prof, sir, haji, sheikh, ...: `honorifics`).
// Phonetic skeleton (phoneticKey), on the Latin letters of one token; other scripts pass through:
//   1. x -> ks; then sch, sh, ch -> x (but chr, chl -> kr, kl); ph -> f; dj -> j; q -> k;
//      c -> s before e, i, y, else k; z -> s; w, v -> f;
//   2. h stays only at the start of a token or between two vowels (John = Jon, th = t, kh = k);
//   3. y is a consonant only at the start of a token before a vowel (Yusuf), else a vowel (Sergey);
//   4. every run of vowels becomes one '*' and doubled consonants become one.
//   So Mohammed, Muhammad, Mohamed -> m*h*m*d; Jon, John -> j*n; Catherine, Katherine -> k*t*r*n*;
//   Sergei, Sergey -> s*rg*; Mahmoud -> m*m*d stays apart from them because vowels keep their place
//   (but not their quality: Joan = John, Maria = Mario; a match is a hold for review, not a verdict).
// Each skeleton is hashed with a domain tag to a 32-byte key. A name matches a list entry when it
// holds every key of the entry, or all but one when the entry has three or more (a middle name or
// a particle such as al- or bin missing on one side).
// What the keys hide: names on chain in clear. What they do not: a dictionary of names hashes the
// same way, so the keys are pseudonyms for screening, not encryption.

import { sha256 } from '../../crypto/sha256.ts';
import { bytesEqual, compareBytes, toHex, utf8 } from '../../util/bytes.ts';

/** Keys per name, at most: the send args carry this many per party (constants.screeningKeysMax). */
export const nameTokensMax = 8;
/** Longest name accepted, in UTF-16 code units: bounds the work of one call. */
export const nameCharsMax = 1024;
export const screeningKeyBytes = 32;

const keyTag = utf8('tally/screening/name-token/v1:');

/** Titles and honorifics dropped from names, after normalisation (lower case, no marks, no dots). */
export const honorifics: ReadonlySet<string> = new Set(
  (
    'mr mrs ms miss mx mister madam mme mlle dr doctor prof professor sir dame lord lady ' +
    'rev reverend fr jr sr snr jnr esq hon haji hajji hajj hadji alhaji alhaj sheikh ' +
    'shaikh sheik shaykh imam mullah herr frau sra srta engr atty capt col gen maj lt sgt'
  ).split(' '),
);

const apostrophes = /['\u2018\u2019\u02bc`]/g;
const marks = /\p{M}/gu;
const separators = /[^\p{L}\p{N}]+/u;
const spelledOut: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
};
const spelledOutPattern = /[ßæœøđðłþı]/g;

/** The name's tokens after normalisation (see the file header), in their original order. */
export function normaliseName(name: string): string[] {
  if (typeof name !== 'string') throw new TypeError('name: expected a string');
  if (name.length > nameCharsMax)
    throw new RangeError(`name: longer than ${nameCharsMax} characters`);
  const folded = name
    .replace(apostrophes, '')
    .normalize('NFKD')
    .replace(marks, '')
    .toLowerCase()
    .replace(spelledOutPattern, (c) => spelledOut[c] ?? c);
  return folded.split(separators).filter((t) => t.length > 0 && !honorifics.has(t));
}

/** The phonetic skeleton of one normalised token (see the file header). */
export function phoneticKey(token: string): string {
  const letters = substitute(token.toLowerCase());
  let out = '';
  for (let i = 0; i < letters.length; i++) {
    const c = letters[i]!;
    const sound = c === 'h' ? keptH(letters, i) : isVowelAt(letters, i) ? '*' : c;
    if (sound !== '' && sound !== out[out.length - 1]) out += sound;
  }
  return out;
}

/** Step 1 of the skeleton: spellings of one sound become one letter (a written x goes first). */
function substitute(token: string): string {
  return token
    .replace(/x/g, 'ks')
    .replace(/sch|sh/g, 'x')
    .replace(/ch(?=[rl])/g, 'k')
    .replace(/ch/g, 'x')
    .replace(/ph/g, 'f')
    .replace(/dj/g, 'j')
    .replace(/q/g, 'k')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/c/g, 'k')
    .replace(/z/g, 's')
    .replace(/[wv]/g, 'f');
}

function keptH(letters: string, i: number): string {
  if (i === 0) return 'h';
  return isVowelAt(letters, i - 1) && i + 1 < letters.length && isVowelAt(letters, i + 1)
    ? 'h'
    : '';
}

function isVowelAt(letters: string, i: number): boolean {
  const c = letters[i]!;
  if ('aeiou'.includes(c)) return true;
  if (c !== 'y') return false;
  const next = letters[i + 1];
  return !(i === 0 && next !== undefined && 'aeiou'.includes(next));
}

/** The screening keys of a name: 32-byte hashes of its skeletons, deduplicated, sorted, capped. */
export function nameKeys(name: string): Uint8Array[] {
  const byHex = new Map<string, Uint8Array>();
  for (const token of normaliseName(name)) {
    const key = sha256(keyTag, utf8(phoneticKey(token)));
    byHex.set(toHex(key), key);
  }
  // Sorting before the cap keeps the keys independent of token order even for long names.
  return [...byHex.values()].sort(compareBytes).slice(0, nameTokensMax);
}

/**
 * Whether a name's keys match a list entry's: all of the entry's keys, or all but one when the entry
 * has three or more. An entry with no key matches nothing.
 */
export function matchesEntry(
  nameKeys: readonly Uint8Array[],
  entryKeys: readonly Uint8Array[],
): boolean {
  const distinct = entryKeys.filter((k, i) => entryKeys.findIndex((o) => bytesEqual(o, k)) === i);
  if (distinct.length === 0) return false;
  const held = distinct.filter((k) => nameKeys.some((n) => bytesEqual(n, k))).length;
  const missesAllowed = distinct.length >= 3 ? 1 : 0;
  return held >= distinct.length - missesAllowed;
}
