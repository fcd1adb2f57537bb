// Byzantine behaviour, applied to what a faulty validator's own engine wants to send: it signs with
// its real key, so honest validators must catch it by signature, safety and validity checks.

import type { Message, Proposal } from '../../../src/consensus/index.ts';
import { type Block, hashHeader } from '../../../src/ledger/block.ts';
import { voteMessage } from '../../../src/ledger/certificate.ts';
import type { SimKey } from './keys.ts';
import { createPayload, poisonTag } from './payload.ts';
import type { Prng } from './prng.ts';
import type { Strategy } from './scenario.ts';

export type Outgoing = {
  readonly to: number;
  readonly message: Message;
  readonly extraDelayMs: number;
};

/** A differently-filled block at the same place, signed by the same (faulty) proposer. */
function resign(p: Proposal, txs: Uint8Array[], chainId: string, key: SimKey): Proposal {
  const h = p.block.header;
  const payload = createPayload(txs, h.timeMs, h.stateHeight);
  const header = { ...h, txRoot: payload.txRoot, txCount: payload.txCount };
  const block: Block = { header, txs };
  const signature = key.sign(voteMessage(chainId, h.epoch, h.round, h.height, hashHeader(header)));
  return { ...p, block, signature };
}

/** Rewrites one intended message from a Byzantine node into what it actually sends. */
export function misbehave(
  strategy: Strategy,
  to: number,
  message: Message,
  ctx: { readonly chainId: string; readonly key: SimKey; readonly prng: Prng },
): Outgoing[] {
  const plain: Outgoing = { to, message, extraDelayMs: 0 };
  switch (strategy) {
    case 'equivocate':
      // Odd-numbered peers get a second, different block for the same round, before or after.
      if (message.type !== 'proposal' || to % 2 === 0) return [plain];
      return [
        {
          to,
          message: resign(message, [new Uint8Array([7, to])], ctx.chainId, ctx.key),
          extraDelayMs: 0,
        },
        { to, message, extraDelayMs: ctx.prng.int(0, 60) },
      ];
    case 'invalid':
      if (message.type !== 'proposal') return [plain];
      return [
        {
          to,
          message: resign(message, [new Uint8Array([poisonTag])], ctx.chainId, ctx.key),
          extraDelayMs: 0,
        },
      ];
    case 'withhold':
      return message.type === 'vote' || message.type === 'timeout' ? [] : [plain];
    case 'conflict': {
      if (message.type !== 'vote') return [plain];
      const v = message.vote;
      const blockHash = ctx.prng.bytes(32);
      const signature = ctx.key.sign(
        voteMessage(ctx.chainId, v.epoch, v.round, v.height, blockHash),
      );
      const other: Message = { type: 'vote', vote: { ...v, blockHash, signature } };
      const forged: Message = { type: 'vote', vote: { ...v, voter: (v.voter + 1) % 4 } };
      return [
        plain,
        { to, message: other, extraDelayMs: 1 },
        { to, message: forged, extraDelayMs: 2 },
      ];
    }
    case 'delay':
      return [{ to, message, extraDelayMs: ctx.prng.int(50, 400) }];
  }
}
