// The junk a flooding test validator sends its peers: frames that do not decode, frames over the
// receiver's per-type limits, and well-formed votes and transactions with signatures that fail.
// Pure: randomness and time come in through the context.
import type { Message } from '../../consensus/index.ts';
import { txBytesMax } from '../../ledger/limits.ts';
import { concatBytes } from '../../util/bytes.ts';
import { encodeConsensusFrame, encodeTxsFrame, gossipTxsMax } from '../wire.ts';
import { badlySignedTransaction, type ForgeKey } from './forge.ts';

export const floodFrameKinds = [
  'junk',
  'unknown-type',
  'oversized-tx',
  'too-many-txs',
  'forged-vote',
  'badly-signed-tx',
] as const;
export type FloodFrameKind = (typeof floodFrameKinds)[number];

/** Where consensus is, as this validator last spoke: forged votes look current. */
export type ConsensusPosition = { epoch: number; round: number; height: number };

export type FloodContext = {
  readonly key: ForgeKey;
  readonly position: Readonly<ConsensusPosition>;
  readonly validatorCount: number;
  readonly random: (bytes: number) => Uint8Array;
  readonly nowMs: number;
  /** Makes each forged transaction distinct. */
  readonly nonce: bigint;
};

const junkBytesMax = 512;
const signatureBytes = 64;
const forgedTxLifetimeMs = 60_000;
/** A frame type byte no Tally node defines. */
const unknownFrameType = 0xee;

export function floodFrame(kind: FloodFrameKind, ctx: FloodContext): Uint8Array {
  switch (kind) {
    case 'junk': {
      const length = 1 + ((ctx.random(1)[0]! * 2) % junkBytesMax);
      return concatBytes(new Uint8Array([1]), ctx.random(length));
    }
    case 'unknown-type':
      return concatBytes(new Uint8Array([unknownFrameType]), ctx.random(16));
    case 'oversized-tx':
      return encodeTxsFrame([ctx.random(txBytesMax + 1)]);
    case 'too-many-txs':
      return encodeTxsFrame(Array.from({ length: gossipTxsMax + 1 }, () => ctx.random(8)));
    case 'forged-vote':
      return encodeConsensusFrame(forgedVote(ctx));
    case 'badly-signed-tx':
      return encodeTxsFrame([
        badlySignedTransaction(ctx.key, ctx.nonce, ctx.nowMs + forgedTxLifetimeMs),
      ]);
  }
}

/** A vote in the current round, in any validator's name, with a signature that is random bytes. */
function forgedVote(ctx: FloodContext): Message {
  const voter = ctx.random(1)[0]! % ctx.validatorCount;
  return {
    type: 'vote',
    vote: {
      epoch: ctx.position.epoch,
      round: ctx.position.round,
      height: ctx.position.height,
      blockHash: ctx.random(32),
      voter,
      signature: ctx.random(signatureBytes),
    },
  };
}
