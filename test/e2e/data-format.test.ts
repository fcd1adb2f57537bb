// A node refuses a data directory written in another data format at start, with the way forward,
// instead of failing at the first transaction that meets a record it reads differently.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dataFormat, storedDataFormat } from '../../src/node/data-format.ts';
import { openStore } from '../../src/storage/index.ts';
import { TestNetwork } from './harness.ts';

describe('the data format of a node directory', { timeout: 120_000 }, () => {
  let net: TestNetwork;
  let ledgerDir: string;

  before(async () => {
    net = await TestNetwork.create(1);
    ledgerDir = join(net.network.nodes[0]!.config.dataDir, 'ledger');
    net.start(0);
    await net.waitReady(0);
    assert.equal(await net.stop(0), 0);
  });
  after(() => net?.close());

  async function rewriteFormat(format: number | null): Promise<void> {
    const store = openStore({ path: ledgerDir });
    try {
      const key = Uint8Array.of(1);
      const value = new Uint8Array(4);
      new DataView(value.buffer).setUint32(0, format ?? 0);
      const table = store.db('node-format');
      await store.batch([
        format === null ? { type: 'del', table, key } : { type: 'put', table, key, value },
      ]);
    } finally {
      await store.close();
    }
  }

  async function refusal(): Promise<string> {
    net.start(0);
    const failed = await net.waitReady(0, 30_000).then(
      () => undefined,
      (error: Error) => error.message,
    );
    assert.ok(failed !== undefined, 'the node started on a directory of another format');
    return failed;
  }

  it('records its format in a new directory and starts again on it', async () => {
    const store = openStore({ path: ledgerDir });
    try {
      assert.equal(storedDataFormat(store), dataFormat);
    } finally {
      await store.close();
    }
    net.start(0);
    await net.waitReady(0);
    assert.equal(await net.stop(0), 0);
  });

  it('refuses a directory of an older format, saying how to go on', async () => {
    await rewriteFormat(dataFormat - 1);
    const failed = await refusal();
    assert.match(failed, /data_format_mismatch/);
    assert.match(
      failed,
      new RegExp(`data format ${dataFormat - 1}; this version reads ${dataFormat}`),
    );
    assert.match(failed, /npm start -- --fresh/);
  });

  it('refuses a chain written before formats were recorded as format 1', async () => {
    await rewriteFormat(null);
    const failed = await refusal();
    assert.match(failed, /an older version of Tally \(data format 1;/);
  });
});
