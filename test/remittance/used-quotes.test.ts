// The used-quote records that stop a quote paying twice: kept until the quote expires, queued in
// chunks, forgotten in order and a bounded number per block, and nothing left once all are gone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RemittanceReader, remittanceModuleName } from '../../src/apps/remittance/index.ts';
import {
  usedQuoteChunkEntries,
  usedQuotesForgottenPerBlockMax,
} from '../../src/apps/remittance/used-quotes.ts';
import type { CborValue } from '../../src/codec/index.ts';
import { readModuleState } from '../../src/execution/index.ts';
import { type Quote, readSignedQuote } from '../../src/modules/fx/index.ts';
import { bytesEqual, utf8 } from '../../src/util/bytes.ts';
import { type Call, checkInvariants, createRemitChain, type RemitChain, uetr } from './harness.ts';

function quoteOf(call: Call): Quote {
  return readSignedQuote((call.args as Record<string, CborValue>).quote, 'quote').quote;
}

function isUsed(chain: RemitChain, q: Quote): boolean {
  const reader = new RemittanceReader(readModuleState(chain.state, remittanceModuleName));
  return reader.isQuoteUsed(q.provider, q.id);
}

/** How many of the module's state keys carry `tag` (u: used-quote records, G: queue chunks). */
function keysTagged(chain: RemitChain, tag: string): number {
  const prefix = utf8(`${remittanceModuleName}\0${tag}`);
  return chain.state
    .entries()
    .filter(({ key }) => bytesEqual(key.subarray(0, prefix.length), prefix)).length;
}

async function sendAll(chain: RemitChain, from: number, count: number, quote?: Partial<Quote>) {
  const calls: Call[] = [];
  for (let n = from; n < from + count; n++)
    calls.push(await chain.sendCall({ n, sendAmount: 100n, ...(quote ? { quote } : {}) }));
  const out = chain.block(calls);
  assert.deepEqual(
    out.results.filter((r) => r.code !== 'ok'),
    [],
    'every send goes through',
  );
  return calls.map(quoteOf);
}

describe('remittance: used quotes', () => {
  it('forgets a used quote once its own expiry passes, and a replay then fails as quote_expired', async () => {
    const chain = await createRemitChain();
    const call = await chain.sendCall({ n: 1 });
    assert.equal(chain.block([call]).results[0]!.code, 'ok');
    const q = quoteOf(call);
    chain.advance(q.expiresAtMs - chain.timeMs - 1);
    assert.equal(isUsed(chain, q), true, 'kept while the quote could still pay');
    chain.advance(1);
    assert.equal(isUsed(chain, q), false, 'forgotten in the block that reaches its expiry');
    assert.equal(keysTagged(chain, 'G'), 0, 'no queue chunk is left');
    const replay = { ...call, args: { ...(call.args as Record<string, never>), id: uetr(2) } };
    assert.equal(chain.block([replay]).results[0]!.code, 'quote_expired');
    checkInvariants(chain);
  });

  it('queues quotes in chunks and forgets them a bounded number per block, leaving nothing', async () => {
    const chain = await createRemitChain();
    const sends = usedQuotesForgottenPerBlockMax + 44;
    const quotes = await sendAll(chain, 1, sends);
    assert.equal(keysTagged(chain, 'u'), sends);
    assert.equal(keysTagged(chain, 'G'), Math.ceil(sends / usedQuoteChunkEntries));
    chain.advance(60_000);
    assert.equal(keysTagged(chain, 'u'), sends - usedQuotesForgottenPerBlockMax);
    assert.equal(isUsed(chain, quotes[usedQuotesForgottenPerBlockMax - 1]!), false);
    assert.equal(isUsed(chain, quotes[usedQuotesForgottenPerBlockMax]!), true, 'in send order');
    chain.advance(1);
    assert.equal(keysTagged(chain, 'u'), 0);
    assert.equal(keysTagged(chain, 'G'), 0);
    // The queue starts again after its emptied chunk, and works as before.
    const later = await sendAll(chain, sends + 1, 3);
    assert.equal(keysTagged(chain, 'G'), 1);
    chain.advance(60_000);
    assert.equal(
      later.some((q) => isUsed(chain, q)),
      false,
    );
    assert.equal(keysTagged(chain, 'G'), 0);
    checkInvariants(chain);
  });

  it('never forgets a quote early: one that lives longer holds back those queued after it', async () => {
    const chain = await createRemitChain();
    const [long] = await sendAll(chain, 1, 1, { expiresAtMs: chain.timeMs + 3_600_000 });
    // Into the long quote's chunk and the next: all expire within a minute.
    const short = await sendAll(chain, 2, usedQuoteChunkEntries + 8);
    chain.advance(120_000);
    assert.equal(isUsed(chain, long!), true);
    assert.equal(
      short.every((q) => isUsed(chain, q)),
      true,
      'queued behind the long quote',
    );
    chain.advance(3_600_000);
    assert.equal(isUsed(chain, long!), false);
    assert.equal(keysTagged(chain, 'u'), 0);
    assert.equal(keysTagged(chain, 'G'), 0);
    checkInvariants(chain);
  });
});
