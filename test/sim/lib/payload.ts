// The simulator's stand-in for a mempool and execution: payloads are a few opaque bytes, and a
// transaction that starts with setTag carries the next validator set (the epoch-change test).

import { encode } from '../../../src/codec/index.ts';
import type { BlockVerdict, Payload } from '../../../src/consensus/index.ts';
import { sha256Node } from '../../../src/crypto/hash-node.ts';
import type { Block, BlockHeader } from '../../../src/ledger/block.ts';
import {
  decodeValidatorSet,
  encodeValidatorSet,
  type ValidatorSet,
} from '../../../src/ledger/validator-set.ts';
import { bytesEqual, utf8 } from '../../../src/util/bytes.ts';

export const poisonTag = 0xff;
export const setTag = 0xee;
const zeroRoot = new Uint8Array(32);

const txTag = utf8('tally/tx/v1\0');
/** Roots by transaction list: every node checks the same (frozen) list of a block. */
const txRoots = new WeakMap<readonly Uint8Array[], Uint8Array>();

/** The ledger's hashValue('tx', txs), through node:crypto: the simulator runs on the server only. */
export function txRootOf(txs: readonly Uint8Array[]): Uint8Array {
  let root = txRoots.get(txs);
  if (root === undefined) {
    root = sha256Node(txTag, encode([...txs]));
    txRoots.set(txs, root);
  }
  return root;
}

export function createPayload(
  txs: readonly Uint8Array[],
  timeMs: number,
  stateHeight: number,
): Payload {
  return {
    txs,
    txRoot: txRootOf(txs),
    txCount: txs.length,
    timeMs,
    stateHeight,
    stateRoot: zeroRoot,
    resultsRoot: zeroRoot,
  };
}

export function setChangeTx(next: ValidatorSet): Uint8Array {
  const body = encodeValidatorSet(next);
  const tx = new Uint8Array(body.length + 1);
  tx[0] = setTag;
  tx.set(body, 1);
  return tx;
}

/** The honest validity predicate: consistent roots and counts, time that never goes back, no poison. */
export function validateSimBlock(block: Block, parent: BlockHeader): BlockVerdict {
  const h = block.header;
  if (block.txs.length !== h.txCount) return { ok: false, reason: 'txCount' };
  if (!bytesEqual(txRootOf(block.txs), h.txRoot)) return { ok: false, reason: 'txRoot' };
  if (h.timeMs < parent.timeMs) return { ok: false, reason: 'time goes back' };
  if (h.stateHeight >= h.height) return { ok: false, reason: 'stateHeight' };
  let nextValidators: ValidatorSet | undefined;
  for (const tx of block.txs) {
    if (tx[0] === poisonTag) return { ok: false, reason: 'poison transaction' };
    if (tx[0] === setTag) {
      try {
        nextValidators = decodeValidatorSet(tx.subarray(1));
      } catch {
        return { ok: false, reason: 'bad validator set' };
      }
      if (nextValidators.epoch !== h.epoch + 1) return { ok: false, reason: 'set epoch' };
    }
  }
  return nextValidators === undefined ? { ok: true } : { ok: true, nextValidators };
}
