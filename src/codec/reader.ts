// Reads canonical CBOR (RFC 8949 section 4.2, restricted to Tally's types) in one pass that checks
// canonical form as it goes: shortest integers and lengths, text map keys in bytewise order of their
// encodings without repeats, valid UTF-8, definite lengths, no floats, tags or undefined, nothing
// after the value. Checking while reading replaces decoding with cborg and encoding again to compare
// bytes, which cost an allocation per item (cborg's tokens) and a second encoding of every input.
import { allocateBytes } from './allocate.ts';
import type { CborValue } from './cbor.ts';
import { CodecError } from './errors.ts';

export type ReadOptions = {
  /** Name of the value in error messages. */
  readonly field: string;
  /**
   * Containers nested deeper than this are refused before they can exhaust the stack: the same
   * bound encode holds values to, so whatever decodes also encodes.
   */
  readonly depthMax: number;
  /**
   * Byte strings in the result are views of the input rather than copies: only for callers that
   * keep the input unchanged for as long as they use the result (a copy over 64 bytes costs an
   * allocation outside the V8 heap).
   */
  readonly views: boolean;
};

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const twoPow32 = 2 ** 32;
/** Above this, an 8-byte head's high word makes the value exceed Number.MAX_SAFE_INTEGER. */
const safeHighWordMax = 2 ** 21 - 1;
/** ASCII text shorter than this is built with fromCharCode; longer text goes to TextDecoder. */
const shortTextMax = 32;

/** Decodes `bytes`, which must be exactly one canonical value. */
/**
 * Inputs this short may sit on V8's heap (a value the writer produced, a hash), and reading
 * `.buffer` for a view would make V8 move them to a new allocation outside it: their byte strings
 * are copied out by index instead.
 */
const onHeapInputMax = 64;

/** `length` bytes of `bytes` from `at`, in a new array, without touching `bytes.buffer`. */
function copyOut(bytes: Uint8Array, at: number, length: number): Uint8Array {
  const copy = new Uint8Array(length);
  for (let i = 0; i < length; i++) copy[i] = bytes[at + i]!;
  return copy;
}

export function readCanonical(bytes: Uint8Array, options: ReadOptions): CborValue {
  const reader = new Reader(bytes, options);
  const value = reader.item(1);
  if (reader.pos !== bytes.length) reader.fail('non_canonical', 'trailing bytes after the value');
  return value;
}

class Reader {
  readonly bytes: Uint8Array;
  readonly options: ReadOptions;
  pos = 0;

  constructor(bytes: Uint8Array, options: ReadOptions) {
    this.bytes = bytes;
    this.options = options;
  }

  fail(code: 'malformed' | 'non_canonical' | 'unsupported' | 'out_of_range', why: string): never {
    throw new CodecError(code, this.options.field, why);
  }

  /** The item at the cursor; `level` is its nesting level, 1 for the top value. */
  item(level: number): CborValue {
    const start = this.pos;
    if (start >= this.bytes.length) this.fail('malformed', 'unexpected end of input');
    const head = this.bytes[start]!;
    this.pos = start + 1;
    const major = head >> 5;
    const minor = head & 31;
    switch (major) {
      case 0:
        return this.argument(minor, start);
      case 1:
        return negative(this.argument(minor, start));
      case 2:
        return this.byteString(this.length(minor, start));
      case 3:
        return this.text(this.length(minor, start));
      case 4:
        return this.array(this.length(minor, start), level, start);
      case 5:
        return this.map(this.length(minor, start), level, start);
      case 6:
        return this.fail('unsupported', `tag at byte ${start} (Tally uses no CBOR tags)`);
      default:
        return this.simple(minor, start);
    }
  }

  /** The integer argument of a head whose first byte was at `start`, in its shortest form. */
  argument(minor: number, start: number): number | bigint {
    if (minor < 24) return minor;
    const bytes = this.bytes;
    const at = this.pos;
    switch (minor) {
      case 24:
        this.need(1);
        this.pos = at + 1;
        return this.shortest(bytes[at]!, 24, start);
      case 25:
        this.need(2);
        this.pos = at + 2;
        return this.shortest(bytes[at]! * 256 + bytes[at + 1]!, 256, start);
      case 26:
        this.need(4);
        this.pos = at + 4;
        return this.shortest(readUint32(bytes, at), 0x1_0000, start);
      case 27: {
        this.need(8);
        this.pos = at + 8;
        const high = readUint32(bytes, at);
        const low = readUint32(bytes, at + 4);
        if (high === 0) return this.shortest(low, twoPow32, start);
        if (high <= safeHighWordMax) return high * twoPow32 + low;
        return (BigInt(high) << 32n) | BigInt(low);
      }
      case 31:
        return this.fail('unsupported', `indefinite length at byte ${start}`);
      default:
        return this.fail('malformed', `reserved additional information ${minor} at byte ${start}`);
    }
  }

  shortest(value: number, min: number, start: number): number {
    if (value < min)
      this.fail('non_canonical', `integer or length at byte ${start} not in its shortest form`);
    return value;
  }

  /** A length argument, which must fit in what is left of the input. */
  length(minor: number, start: number): number {
    const length = this.argument(minor, start);
    if (typeof length === 'bigint' || length > this.bytes.length - this.pos)
      this.fail('malformed', `length at byte ${start} runs past the end of the input`);
    return length;
  }

  need(count: number): void {
    if (this.pos + count > this.bytes.length) this.fail('malformed', 'unexpected end of input');
  }

  byteString(length: number): Uint8Array {
    const at = this.pos;
    this.pos = at + length;
    const bytes = this.bytes;
    if (!this.options.views && bytes.length <= onHeapInputMax) return copyOut(bytes, at, length);
    // Plain Uint8Arrays either way: on a Buffer input, subarray() would give a Buffer and slice() a
    // view rather than a copy.
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + at, length);
    if (this.options.views) return view;
    const copy = allocateBytes(length);
    copy.set(view);
    return copy;
  }

  text(length: number): string {
    const bytes = this.bytes;
    const at = this.pos;
    const end = at + length;
    this.pos = end;
    if (length < shortTextMax) {
      let ascii = '';
      let i = at;
      for (; i < end; i++) {
        const byte = bytes[i]!;
        if (byte > 0x7f) break;
        ascii += String.fromCharCode(byte);
      }
      if (i === end) return ascii;
    }
    try {
      return utf8Strict.decode(bytes.subarray(at, end));
    } catch {
      return this.fail('non_canonical', `invalid UTF-8 in the text string at byte ${at}`);
    }
  }

  array(length: number, level: number, start: number): CborValue[] {
    this.checkDepth(level, start);
    const items: CborValue[] = [];
    for (let i = 0; i < length; i++) items.push(this.item(level + 1));
    return items;
  }

  map(length: number, level: number, start: number): { [key: string]: CborValue } {
    if (length > (this.bytes.length - this.pos) / 2)
      this.fail('malformed', `map at byte ${start} runs past the end of the input`);
    this.checkDepth(level, start);
    const record: { [key: string]: CborValue } = {};
    let previousAt = -1;
    let previousEnd = -1;
    for (let i = 0; i < length; i++) {
      const keyAt = this.pos;
      const key = this.key();
      if (previousAt >= 0) this.checkKeyOrder(previousAt, previousEnd, keyAt, this.pos);
      previousAt = keyAt;
      previousEnd = this.pos;
      const value = this.item(level + 1);
      // Plain assignment of this key would set the prototype instead of holding the entry as data.
      if (key === '__proto__')
        Object.defineProperty(record, key, {
          value,
          configurable: true,
          enumerable: true,
          writable: true,
        });
      else record[key] = value;
    }
    return record;
  }

  key(): string {
    const start = this.pos;
    const head = this.bytes[start];
    if (head === undefined) this.fail('malformed', 'unexpected end of input');
    if (head >> 5 !== 3) this.fail('unsupported', `non-string keys (map key at byte ${start})`);
    this.pos = start + 1;
    return this.text(this.length(head & 31, start));
  }

  /**
   * Keys must rise strictly in the bytewise order of their encodings. Both heads are canonical, so
   * a longer key has the greater encoding, and keys of one length compare by their bytes.
   */
  checkKeyOrder(aAt: number, aEnd: number, bAt: number, bEnd: number): void {
    const aLength = aEnd - aAt;
    const bLength = bEnd - bAt;
    if (aLength !== bLength) {
      if (aLength > bLength) this.fail('non_canonical', `map keys out of order at byte ${bAt}`);
      return;
    }
    const bytes = this.bytes;
    for (let i = 0; i < aLength; i++) {
      const a = bytes[aAt + i]!;
      const b = bytes[bAt + i]!;
      if (a < b) return;
      if (a > b) this.fail('non_canonical', `map keys out of order at byte ${bAt}`);
    }
    this.fail('non_canonical', `duplicate map key at byte ${bAt}`);
  }

  checkDepth(level: number, start: number): void {
    if (level > this.options.depthMax)
      this.fail(
        'out_of_range',
        `nesting deeper than ${this.options.depthMax} levels at byte ${start}`,
      );
  }

  simple(minor: number, start: number): boolean | null {
    switch (minor) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return this.fail('unsupported', `undefined at byte ${start}`);
      case 25:
      case 26:
      case 27:
        return this.fail(
          'unsupported',
          `floating-point value at byte ${start} (Tally encodes numbers as integers)`,
        );
      case 31:
        return this.fail('unsupported', `indefinite-length break at byte ${start}`);
      default:
        return this.fail('unsupported', `simple value ${minor} at byte ${start}`);
    }
  }
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (
    bytes[at]! * 0x100_0000 + bytes[at + 1]! * 0x1_0000 + bytes[at + 2]! * 256 + bytes[at + 3]!
  );
}

/** -1 - n, as a number where that is a safe integer. */
function negative(n: number | bigint): number | bigint {
  if (typeof n === 'number') {
    const value = -1 - n;
    return Number.isSafeInteger(value) ? value : -1n - BigInt(n);
  }
  return -1n - n;
}
