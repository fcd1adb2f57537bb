// What a block's execution leaves on record: a receipt per transaction, in block order (a refusal by
// the chain itself, or the module's result and events), then the block's own receipt for its begin-
// and end-block events; and the call each transaction makes.
import type { Receipt } from '../ledger/receipt.ts';
import type { Transaction } from '../ledger/tx.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual } from '../util/bytes.ts';
import type { BlockOutput, Event, TxCall } from './types.ts';

/** The block-level receipt (begin/end-block events) sits after the transactions, with this id. */
export const blockReceiptTxId = new Uint8Array(32);

export function toCall(tx: Transaction): TxCall {
  return {
    txId: tx.id,
    suite: tx.suite,
    signer: tx.signer,
    module: tx.module,
    method: tx.method,
    args: tx.args,
  };
}

export function buildReceipts(
  height: number,
  txs: readonly Transaction[],
  refusals: ReadonlyMap<number, { code: string; message: string }>,
  output: BlockOutput,
): Receipt[] {
  const receipts: Receipt[] = [];
  let next = 0;
  txs.forEach((tx, index) => {
    const refused = refusals.get(index);
    if (refused !== undefined) {
      receipts.push({
        txId: tx.id,
        height,
        index,
        code: refused.code,
        message: refused.message,
        events: [],
      });
      return;
    }
    const result = output.results[next++]!;
    assert(bytesEqual(result.txId, tx.id), 'results follow the transactions');
    receipts.push({
      txId: tx.id,
      height,
      index,
      code: result.code,
      message: result.message ?? '',
      events: toLedgerEvents(result.events),
    });
  });
  assert(next === output.results.length, 'every result has its transaction');
  receipts.push({
    txId: blockReceiptTxId,
    height,
    index: txs.length,
    code: 'ok',
    message: '',
    events: toLedgerEvents(output.events),
  });
  return receipts;
}

function toLedgerEvents(events: readonly Event[]): Receipt['events'] {
  return events.map((e) => ({ module: e.module, type: e.type, attributes: e.attributes }));
}
