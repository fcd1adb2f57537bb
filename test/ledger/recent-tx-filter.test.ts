// The filter that answers most replay checks before execution without reading LMDB: it never
// forgets an id it holds (no false negatives), it says from which block time on it holds every id,
// generations roll over by time and by count and are dropped past the retention, and its false
// positives stay rare.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { generationIdsMax, RecentTxFilter } from '../../src/ledger/recent-tx-filter.ts';

const minuteMs = 60_000;
const t0 = 1_767_225_600_000;

/** Deterministic 32-byte ids, as transaction ids are: SHA-256 digests. */
function ids(label: string, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    Uint8Array.from(createHash('sha256').update(`${label}/${i}`).digest()),
  );
}

function filter(): RecentTxFilter {
  return new RecentTxFilter({ generationSpanMs: 5 * minuteMs, retainMs: 20 * minuteMs });
}

describe('recent tx filter', () => {
  it('holds every id it was given, and covers block times after the first block', () => {
    const f = filter();
    assert.equal(f.covers(Number.NEGATIVE_INFINITY), false, 'nothing added: covers nothing');
    const blocks = Array.from({ length: 40 }, (_, b) => ids(`block${b}`, 250));
    for (const [b, block] of blocks.entries()) f.addBlock(t0 + b * 30_000, block);
    for (const block of blocks) for (const id of block) assert.equal(f.mayContain(id), true);
    // Blocks before the first it saw may share that first block's millisecond.
    assert.equal(f.covers(t0), false);
    assert.equal(f.covers(t0 + 1), true);
    assert.equal(f.covers(t0 + 19 * minuteMs), true);
    assert.ok(f.bytes >= 4 * 1024 * 1024, '20 minutes of blocks in generations of 5');
    const fromGenesis = filter();
    fromGenesis.addBlock(t0, [], true);
    assert.equal(fromGenesis.covers(Number.NEGATIVE_INFINITY), true, 'nothing came before');
  });

  it('rarely says maybe for an id it was not given', () => {
    const f = filter();
    const held = ids('held', generationIdsMax);
    f.addBlock(t0, held);
    const others = ids('other', 100_000);
    const maybes = others.filter((id) => f.mayContain(id)).length;
    // About 2% with four probes into 8 Mbit at a full generation; a broken probe (all ones): 100%.
    assert.ok(maybes < 5_000, `${maybes} of 100,000 absent ids said maybe`);
    assert.ok(maybes > 0, 'a full generation has some false positives');
  });

  it('opens a new generation when one is full, and still holds the ids of both', () => {
    const f = filter();
    const first = ids('first', generationIdsMax);
    const more = ids('more', 1000);
    f.addBlock(t0, first);
    assert.equal(f.bytes, 1024 * 1024);
    f.addBlock(t0, more);
    assert.equal(f.bytes, 2 * 1024 * 1024);
    for (const id of [...first.slice(0, 1000), ...more]) assert.equal(f.mayContain(id), true);
  });

  it('drops generations past the retention and covers only what it still holds', () => {
    const f = filter();
    // A block every 30 s with ten ids: the first generation takes t0 to t0 + 4.5 minutes.
    const blocks = Array.from({ length: 51 }, (_, b) => ids(`block${b}`, 10));
    const firstLastMs = t0 + 9 * 30_000;
    for (const [b, block] of blocks.slice(0, 50).entries()) f.addBlock(t0 + b * 30_000, block);
    assert.equal(f.covers(t0 + 1), true, 'at 24.5 minutes the first generation is still within 20');
    // At 25 minutes its last block is more than 20 minutes old.
    f.addBlock(t0 + 50 * 30_000, blocks[50]!);
    assert.equal(f.covers(firstLastMs), false, 'the first generation is gone');
    assert.equal(f.covers(firstLastMs + 1), true);
    for (const block of blocks.slice(10))
      for (const id of block) assert.equal(f.mayContain(id), true);
    const stillSaid = blocks
      .slice(0, 10)
      .flat()
      .filter((id) => f.mayContain(id)).length;
    assert.equal(stillSaid, 0, 'the old ids went with their generation');
    // Blocks without transactions leave no trace: they neither open nor keep a generation.
    const quiet = filter();
    quiet.addBlock(t0, blocks[0]!);
    for (let b = 1; b <= 42; b++) quiet.addBlock(t0 + b * 30_000, []);
    assert.equal(quiet.covers(t0 + 1), true, 'no block since has replaced the only generation');
    assert.equal(quiet.mayContain(blocks[0]![0]!), true);
    quiet.addBlock(t0 + 43 * 30_000, blocks[1]!);
    assert.equal(quiet.bytes, 1024 * 1024, 'a new generation opened, the old one went');
    assert.equal(blocks[0]!.filter((id) => quiet.mayContain(id)).length, 0);
    assert.equal(quiet.covers(t0 + 1), true, 'its ids were all from t0');
  });

  it('vouches for nothing once a block is timed before the last one', () => {
    const f = filter();
    f.addBlock(t0, [], true);
    f.addBlock(t0 + 1000, ids('a', 1));
    assert.equal(f.covers(t0), true);
    f.addBlock(t0, ids('b', 1));
    assert.equal(f.covers(Number.MAX_SAFE_INTEGER), false);
    f.addBlock(t0 + 2000, ids('c', 1));
    assert.equal(f.covers(t0 + 5000), false, 'and a later block does not restore it');
  });
});
