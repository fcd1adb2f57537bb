// SM3 hash (GB/T 32905-2016), browser-safe: the digest SM2 signatures use. Written from the
// standard's description (sections 4-5); node:crypto's 'sm3' is faster where Node is available.

const blockBytes = 64;
const digestBytes = 32;
const iv = [
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
];

function rotl(x: number, n: number): number {
  const k = n & 31;
  return k === 0 ? x : ((x << k) | (x >>> (32 - k))) >>> 0;
}

function p0(x: number): number {
  return (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
}

function p1(x: number): number {
  return (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;
}

/** One compression CF(V, B) over the 64-byte block at `offset` (section 5.3). */
function compress(state: Uint32Array, block: Uint8Array, offset: number, w: Uint32Array): void {
  const view = new DataView(block.buffer, block.byteOffset + offset, blockBytes);
  for (let j = 0; j < 16; j++) w[j] = view.getUint32(j * 4);
  for (let j = 16; j < 68; j++) {
    w[j] = p1(w[j - 16]! ^ w[j - 9]! ^ rotl(w[j - 3]!, 15)) ^ rotl(w[j - 13]!, 7) ^ w[j - 6]!;
  }
  let [a, b, c, d, e, f, g, h] = state as unknown as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  for (let j = 0; j < 64; j++) {
    const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
    const a12 = rotl(a, 12);
    const ss1 = rotl((a12 + e + rotl(t, j)) >>> 0, 7);
    const ss2 = (ss1 ^ a12) >>> 0;
    const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
    const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g);
    const tt1 = (ff + d + ss2 + (w[j]! ^ w[j + 4]!)) >>> 0;
    const tt2 = (gg + h + ss1 + w[j]!) >>> 0;
    d = c;
    c = rotl(b, 9);
    b = a;
    a = tt1;
    h = g;
    g = rotl(f, 19);
    f = e;
    e = p0(tt2);
  }
  const next = [a, b, c, d, e, f, g, h];
  for (let i = 0; i < 8; i++) state[i] = (state[i]! ^ next[i]!) >>> 0;
}

/** SM3 of the concatenation of `parts`. */
export function sm3(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  // Padding (section 5.2): a 1 bit, zeros, then the 64-bit big-endian bit length.
  const paddedBytes = Math.ceil((length + 9) / blockBytes) * blockBytes;
  const message = new Uint8Array(paddedBytes);
  let offset = 0;
  for (const part of parts) {
    message.set(part, offset);
    offset += part.length;
  }
  message[length] = 0x80;
  const tail = new DataView(message.buffer, paddedBytes - 8, 8);
  tail.setUint32(0, Math.floor(length / 0x20000000));
  tail.setUint32(4, (length * 8) >>> 0);
  const state = Uint32Array.from(iv);
  const w = new Uint32Array(68);
  for (let at = 0; at < paddedBytes; at += blockBytes) compress(state, message, at, w);
  const out = new Uint8Array(digestBytes);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) view.setUint32(i * 4, state[i]!);
  return out;
}
