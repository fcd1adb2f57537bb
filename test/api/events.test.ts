// The WebSocket event stream against a real chain: cursor order, live blocks, filters, bad cursors,
// a paused reader that loses nothing, and a client that disconnects mid-stream and resumes from its
// last cursor, seeing every message exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { blockMessages, MessageTexts } from '../../src/api/event-messages.ts';
import { RecentBlocks } from '../../src/api/recent-blocks.ts';
import { toHex } from '../../src/util/bytes.ts';
import { call, openEvents, refusedUpgrade, signedEventsPath } from './client.ts';
import { bankSetupTxs, failingTxs as failingTxsFrom } from './fixtures.ts';
import { type ApiHarness, startApiHarness } from './harness.ts';

type Message = Record<string, unknown> & { cursor: string; type: string };
type ErrorBody = { error: { code: string; message: string } };

function cursorKey(cursor: string): [number, number] {
  const [height, seq] = cursor.split('.').map(Number);
  return [height!, seq!];
}

function assertAscending(messages: readonly Message[]): void {
  for (let i = 1; i < messages.length; i++) {
    const [h0, s0] = cursorKey(messages[i - 1]!.cursor);
    const [h1, s1] = cursorKey(messages[i]!.cursor);
    assert.ok(
      h1 > h0 || (h1 === h0 && s1 > s0),
      `${messages[i]!.cursor} after ${messages[i - 1]!.cursor}`,
    );
  }
}

describe('api events', { timeout: 120_000 }, () => {
  let h: ApiHarness;
  /** Transactions that fail (no such account): receipts without events. */
  let closeNonce = 1_000_000n;
  const failingTxs = (count: number) => {
    const txs = failingTxsFrom(h, count, closeNonce);
    closeNonce += BigInt(count);
    return txs;
  };
  const commitTxs = async (txs: string[]): Promise<number> => {
    const res = await call(h.url, h.keys.submitter, 'POST', '/v1/txs', { txs });
    assert.equal(res.status, 200);
    return h.commitPending();
  };
  const events = (query: string) => openEvents(h.url, signedEventsPath(h.keys.reader, query));

  before(async () => {
    h = await startApiHarness();
    await commitTxs(bankSetupTxs(h)); // block 1: 3 transactions with bank events
    await commitTxs(failingTxs(2)); // block 2: 2 failing transactions
  });
  after(() => h.close());

  it('builds the same messages from a recent block in memory as from the store', () => {
    const all = { blocks: true, txs: true, module: undefined };
    const fromStore = { ...h.services, recentBlock: () => undefined };
    for (const height of [1, 2]) {
      assert.ok(h.services.recentBlock?.(height) !== undefined, `block ${height} is in memory`);
      const messages = blockMessages(h.services, height, 0, all);
      assert.ok(messages.length > 2);
      assert.deepEqual(
        JSON.parse(JSON.stringify(messages)),
        JSON.parse(JSON.stringify(blockMessages(fromStore, height, 0, all))),
      );
    }
  });

  it('serialises each message once for every stream: the texts are blockMessages as JSON', () => {
    let reads = 0;
    const services = {
      ...h.services,
      recentBlock: (height: number) => {
        reads += 1;
        return h.services.recentBlock?.(height);
      },
    };
    const texts = new MessageTexts(services);
    const filters = [
      { blocks: true, txs: true, module: undefined },
      { blocks: true, txs: false, module: undefined },
      { blocks: false, txs: true, module: undefined },
      { blocks: true, txs: true, module: 'bank' },
      { blocks: true, txs: true, module: 'nothing' },
    ];
    for (const height of [1, 2]) {
      for (const filter of filters) {
        for (const fromSeq of [0, 1, 2, 4]) {
          assert.deepEqual(
            texts.texts(height, fromSeq, filter),
            blockMessages(h.services, height, fromSeq, filter).map((m) => JSON.stringify(m)),
            `block ${height} from ${fromSeq}, ${JSON.stringify(filter)}`,
          );
        }
      }
    }
    assert.equal(reads, 2, 'each block is read once, whatever the streams ask of it');
  });

  it('loads no receipts for a stream of block messages only', () => {
    let receiptReads = 0;
    const store = h.services.blocks;
    // What the stream reads of the block store, with receipt reads counted.
    const blocks = {
      blockAt: (height: number) => store.blockAt(height),
      executedAt: (height: number) => store.executedAt(height),
      receiptsAt: (height: number) => {
        receiptReads += 1;
        return store.receiptsAt(height);
      },
    } as unknown as typeof store;
    const fromStore = { ...h.services, blocks, recentBlock: () => undefined };
    const texts = new MessageTexts(fromStore);
    const blocksOnly = { blocks: true, txs: false, module: undefined };
    assert.equal(texts.texts(1, 0, blocksOnly).length, 1);
    assert.equal(blockMessages(fromStore, 2, 0, blocksOnly).length, 1);
    assert.equal(receiptReads, 0);
    assert.ok(texts.texts(1, 0, { ...blocksOnly, txs: true }).length > 1);
    assert.equal(receiptReads, 1);
  });

  it('keeps only the newest blocks in memory', () => {
    const recent = new RecentBlocks(2);
    const block = h.services.recentBlock!(1)!;
    for (const height of [5, 6, 7]) recent.add({ ...block, header: { ...block.header, height } });
    assert.equal(recent.get(5), undefined);
    assert.equal(recent.get(6)?.header.height, 6);
    assert.equal(recent.get(7)?.header.height, 7);
  });

  it('streams blocks and receipts after a cursor, in cursor order', async () => {
    const client = await events('cursor=0.0');
    await client.waitFor(10);
    // Block 0 (empty) has only its block-level receipt, 0.1, after the cursor.
    const messages = (client.messages as Message[]).slice(1, 10);
    assert.deepEqual(
      messages.map((m) => `${m.cursor} ${m.type}`),
      [
        '1.0 block',
        '1.1 tx',
        '1.2 tx',
        '1.3 tx',
        '1.4 tx',
        '2.0 block',
        '2.1 tx',
        '2.2 tx',
        '2.3 tx',
      ],
    );
    const block = messages[0]!;
    assert.equal(block.height, 1);
    assert.equal(block.txCount, 3);
    assert.equal(block.stateRoot, toHex(h.services.state.root(1)));
    const tx = messages[1]!;
    assert.equal(tx.index, 0);
    assert.equal(tx.code, 'ok');
    assert.equal((tx.events as { module: string }[])[0]?.module, 'bank');
    const blockReceipt = messages[4]!;
    assert.equal(blockReceipt.txId, '00'.repeat(32));
    assert.equal(blockReceipt.index, 3);
    await client.close();
  });

  it('starts at the next executed block without a cursor, and follows live', async () => {
    const client = await events('');
    const height = await commitTxs(failingTxs(1));
    await client.waitFor(3);
    assert.deepEqual(
      (client.messages as Message[]).map((m) => m.cursor),
      [`${height}.0`, `${height}.1`, `${height}.2`],
    );
    await client.close();
  });

  it('filters by type and by module', async () => {
    const blocksOnly = await events('cursor=0.0&types=block');
    await blocksOnly.waitFor(2);
    assert.deepEqual(
      (blocksOnly.messages as Message[]).slice(0, 2).map((m) => m.cursor),
      ['1.0', '2.0'],
    );
    await blocksOnly.close();
    const bank = await events('cursor=0.0&types=tx&module=bank');
    await commitTxs(bankSetupTxs(h).slice(0, 1)); // the currency exists: refused, no events
    await commitTxs(failingTxs(1));
    const opened = h.signTx(h.keys.reader, 'bank', 'create_account', {
      id: new Uint8Array(16).fill(0x44),
      currency: 'HKD',
      flags: ['debits_must_not_exceed_credits'],
    });
    const height = await commitTxs([toHex(opened.bytes)]);
    await bank.waitFor(4);
    assert.deepEqual(
      (bank.messages as Message[]).map((m) => m.cursor),
      ['1.1', '1.2', '1.3', `${height}.1`],
    );
    await bank.close();
  });

  it('error: malformed, pruned-out or impossible cursors are bad_cursor', async () => {
    const cases: [string, string][] = [
      ['abc', 'cursor "abc": expected "<height>.<sequence>", as in "12.0"'],
      ['1.99', 'cursor "1.99": block 1 has messages 0 to 4'],
    ];
    for (const [cursor, message] of cases) {
      const refused = await refusedUpgrade(
        h.url,
        signedEventsPath(h.keys.reader, `cursor=${cursor}`),
      );
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body, {
        error: { code: 'bad_cursor', message, details: { cursor } },
      });
    }
    const badType = await refusedUpgrade(h.url, signedEventsPath(h.keys.reader, 'types=blocks'));
    assert.equal(
      (badType.body as ErrorBody).error.message,
      'querystring.types: unknown type "blocks" (expected block, tx)',
    );
  });

  it('error: a plain GET is told to upgrade', async () => {
    const res = await call(h.url, h.keys.reader, 'GET', '/v1/events');
    assert.equal(res.status, 426);
    assert.equal((res.body as ErrorBody).error.code, 'upgrade_required');
  });

  it('a reader that pauses loses nothing and gets everything after it resumes', async () => {
    const first = await commitTxs(failingTxs(150));
    await commitTxs(failingTxs(150));
    const client = await events(`cursor=${first - 1}.0&types=tx`);
    client.socket.pause();
    const more = await commitTxs(failingTxs(150));
    client.socket.resume();
    await client.waitFor(3 * 151);
    const messages = client.messages as Message[];
    assertAscending(messages);
    assert.equal(new Set(messages.map((m) => m.cursor)).size, messages.length);
    assert.equal(messages.at(-1)?.cursor, `${more}.151`);
    await client.close();
  });

  it('a client that disconnects mid-stream and resumes from its last cursor sees every message once', async () => {
    const start = h.services.blocks.executed()!.height;
    const startSeq = h.services.blocks.blockAt(start)!.header.txCount + 1; // its block receipt
    for (let i = 0; i < 4; i++) await commitTxs(failingTxs(40));
    const expected = 4 * 42;
    const full = await events(`cursor=${start}.${startSeq}`);
    await full.waitFor(expected);
    await full.close();
    const all = (full.messages as Message[]).slice(0, expected).map((m) => m.cursor);

    const seen: string[] = [];
    let cursor = `${start}.${startSeq}`;
    const stops = [25, 60, 61, 130]; // disconnect after processing this many messages in total
    for (const stop of stops) {
      const client = await events(`cursor=${cursor}`);
      await client.waitFor(stop - seen.length);
      // Messages past `stop` may already be in the socket: the client never processed them.
      for (const m of (client.messages as Message[]).slice(0, stop - seen.length))
        seen.push(m.cursor);
      cursor = seen.at(-1)!;
      await client.close();
    }
    const last = await events(`cursor=${cursor}`);
    const liveHeight = await commitTxs(failingTxs(3)); // a live block after the resume
    await last.waitFor(expected - seen.length + 5);
    seen.push(...(last.messages as Message[]).map((m) => m.cursor));
    await last.close();
    const wanted = all.concat([0, 1, 2, 3, 4].map((s) => `${liveHeight}.${s}`));
    assert.deepEqual(seen, wanted);
  });

  // Last: it prunes the harness's state.
  it('resumes below the oldest state version while the blocks are held, each with its state root', async () => {
    const rootOf1 = toHex(h.services.state.root(1));
    await h.services.state.prune(2); // as prune.keepStates would: block 1 stays, its state goes
    assert.throws(() => h.services.state.root(1), { code: 'state_height_unavailable' });
    const client = await events('cursor=0.0&types=block');
    await client.waitFor(2);
    const [first, second] = client.messages as Message[];
    assert.deepEqual([first!.cursor, second!.cursor], ['1.0', '2.0']);
    assert.equal(first!.stateRoot, rootOf1);
    assert.equal(second!.stateRoot, toHex(h.services.state.root(2)));
    await client.close();
  });
});
