// The last few executed blocks as execution handed them over: the header, its hash, the state root
// and the receipts. Event streams that follow the tip read them here; otherwise every subscriber read
// each new block and its receipts back from LMDB and decoded them again (2.3% of a lone validator's
// main thread at 3,000 transfers/s with one subscriber, in a CPU profile of the network bench).
import type { CborValue } from '../codec/index.ts';
import type { BlockHeader } from '../ledger/block.ts';
import type { Receipt } from '../ledger/receipt.ts';

export type RecentBlock = {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  /** The state root after executing this block. */
  readonly stateRoot: Uint8Array;
  /** Every receipt of the block, the block-level one last, as the block store keeps them. */
  readonly receipts: readonly Receipt[];
};

/**
 * Enough for a subscriber a block or two behind the tip; older blocks come from the store. Four full
 * blocks of receipts are about 5 MB (a heap profile at 3,000 transfers/s held 10 MB for sixteen).
 */
export const recentBlocksKept = 4;

/** A block as execution handed it over, or (once asked for) with its receipts in stored form. */
type Entry = { block: RecentBlock; stored: boolean };

export class RecentBlocks {
  readonly #byHeight = new Map<number, Entry>();
  readonly #kept: number;

  constructor(kept = recentBlocksKept) {
    this.#kept = kept;
  }

  /** Keeps `block` as execution produced it; nothing is converted until someone asks for it. */
  add(block: RecentBlock): void {
    this.#byHeight.set(block.header.height, { block, stored: false });
    // Insertion order is height order (blocks execute in order), so the first key is the oldest.
    while (this.#byHeight.size > this.#kept) {
      const oldest = this.#byHeight.keys().next().value as number;
      this.#byHeight.delete(oldest);
    }
  }

  /** The block at `height` with its receipts as the store would give them back, or undefined. */
  get(height: number): RecentBlock | undefined {
    const entry = this.#byHeight.get(height);
    if (entry === undefined) return undefined;
    if (!entry.stored) {
      entry.block = { ...entry.block, receipts: entry.block.receipts.map(asStoredReceipt) };
      entry.stored = true;
    }
    return entry.block;
  }
}

/**
 * Execution hands events over with the values modules gave them; read back from the store, an
 * integer in the safe range is a number. Streams must not depend on where a block came from.
 */
function asStoredReceipt(receipt: Receipt): Receipt {
  return {
    ...receipt,
    events: receipt.events.map((e) => ({ ...e, attributes: asDecodedFields(e.attributes) })),
  };
}

/** `value` as decoding its canonical CBOR gives it back (codec/reader.ts): safe integers are numbers. */
function asDecoded(value: CborValue): CborValue {
  if (typeof value === 'bigint')
    return value >= -maxSafe && value <= maxSafe ? Number(value) : value;
  if (Array.isArray(value)) return value.map((item: CborValue) => asDecoded(item));
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  // Array.isArray does not narrow a readonly array away, so the map is named here.
  return asDecodedFields(value as { readonly [key: string]: CborValue });
}

function asDecodedFields(fields: { readonly [key: string]: CborValue }): {
  [key: string]: CborValue;
} {
  const out: { [key: string]: CborValue } = {};
  for (const [key, item] of Object.entries(fields)) out[key] = asDecoded(item);
  return out;
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
