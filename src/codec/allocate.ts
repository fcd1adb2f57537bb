// Byte arrays for the codec's results. V8 keeps a Uint8Array of up to 64 bytes inside its heap, but
// a longer one costs an allocation outside it (about 2 us measured, plus pressure that brings the
// next garbage collection forward). Under Node, longer ones are therefore carved from Buffer's
// shared 8 KB slab, as Buffer.allocUnsafe does, and handed out as plain Uint8Arrays so that callers
// see one type on every platform; browsers get a new Uint8Array.

type Allocate = (length: number) => Uint8Array;

/** Longest Uint8Array V8 allocates on its own heap. */
const onHeapBytesMax = 64;

const nodeBuffer = (globalThis as { Buffer?: { allocUnsafe?: Allocate } }).Buffer;
const fromSlab: Allocate | undefined =
  typeof nodeBuffer?.allocUnsafe === 'function'
    ? (length) => {
        const slab = nodeBuffer.allocUnsafe!(length);
        return new Uint8Array(slab.buffer, slab.byteOffset, length);
      }
    : undefined;

/** A Uint8Array of `length` bytes whose contents the caller overwrites entirely. */
export function allocateBytes(length: number): Uint8Array {
  if (length <= onHeapBytesMax || fromSlab === undefined) return new Uint8Array(length);
  return fromSlab(length);
}
