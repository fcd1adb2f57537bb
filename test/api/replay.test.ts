// The memory of accepted POST signatures: once each, forgotten when stale, bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeenSignatures } from '../../src/api/replay.ts';

describe('SeenSignatures', () => {
  it('accepts a signature once, and again once its timestamp is stale', () => {
    const seen = new SeenSignatures(60_000);
    assert.equal(seen.first('aa', 1_000, 1_000), true);
    assert.equal(seen.first('aa', 1_000, 30_000), false);
    // Past the skew the request itself is refused as stale; the memory lets it go.
    assert.equal(seen.first('bb', 70_000, 70_000), true);
    assert.equal(seen.size, 1, 'aa was forgotten');
  });

  it('keeps at most entriesMax signatures, forgetting the oldest first', () => {
    const seen = new SeenSignatures(60_000, 3);
    for (const sig of ['a', 'b', 'c', 'd']) assert.equal(seen.first(sig, 0, 0), true);
    assert.equal(seen.size, 3);
    assert.equal(seen.first('d', 0, 0), false);
    assert.equal(seen.first('a', 0, 0), true, 'the oldest was forgotten under the bound');
  });
});
