// A batch of transfers with TigerBeetle's linked chains: a run of transfers flagged 'linked' and the
// first one after it without the flag succeed or fail together. The transfer that fails gets its own
// code and the others in its chain 'linked_event_failed'; a chain still open at the end of the batch
// fails with 'linked_event_chain_open' on its last transfer. Chains never affect one another.
import type { BlockContext } from '../../execution/index.ts';
import { assert } from '../../util/assert.ts';
import type { TransferInput } from './args.ts';
import type { TransferAuthority } from './authority.ts';
import { isZeroId, type TransferRequest } from './checks.ts';
import type { TransferCode } from './codes.ts';
import { transferFlags, transfersPerCallMax } from './constants.ts';
import type { BankStore } from './store.ts';
import { executeTransfer } from './transfer.ts';

const emptyBytes = new Uint8Array(0);

function present(id: Uint8Array | undefined): Uint8Array | undefined {
  return id === undefined || isZeroId(id) ? undefined : id;
}

/** Applies TigerBeetle's "zero means absent" to a client's transfer. */
export function toTransferRequest(input: TransferInput): TransferRequest {
  return {
    id: input.id,
    debitAccountId: present(input.debitAccountId),
    creditAccountId: present(input.creditAccountId),
    amount: input.amount,
    currency: input.currency === '' ? undefined : input.currency,
    pendingId: present(input.pendingId),
    timeoutSec: input.timeoutSec ?? 0,
    flags: input.flags ?? 0,
    userData: input.userData ?? emptyBytes,
  };
}

/** Splits a batch into chains: [start, end) index ranges, and whether the last chain was left open. */
export function splitChains(
  inputs: readonly TransferRequest[],
): Array<{ start: number; end: number; open: boolean }> {
  const chains: Array<{ start: number; end: number; open: boolean }> = [];
  let start = 0;
  for (let i = 0; i < inputs.length; i++) {
    if ((inputs[i]!.flags & transferFlags.linked) === 0) {
      chains.push({ start, end: i + 1, open: false });
      start = i + 1;
    }
  }
  if (start < inputs.length) chains.push({ start, end: inputs.length, open: true });
  return chains;
}

/** Executes a batch; one code per transfer, in order. Failed chains leave no write and no event. */
export function executeTransferBatch(
  ctx: BlockContext,
  store: BankStore,
  inputs: readonly TransferInput[],
  authority: TransferAuthority,
): TransferCode[] {
  assert(
    inputs.length <= transfersPerCallMax,
    `a batch holds at most ${transfersPerCallMax} transfers`,
  );
  const requests = inputs.map(toTransferRequest);
  const codes: TransferCode[] = new Array(requests.length).fill('linked_event_failed');
  for (const chain of splitChains(requests)) {
    if (chain.open) {
      codes[chain.end - 1] = 'linked_event_chain_open';
      continue;
    }
    let failed: { index: number; code: TransferCode } | undefined;
    ctx.atomically(() => {
      for (let i = chain.start; i < chain.end; i++) {
        const code = executeTransfer(ctx, store, requests[i]!, authority);
        if (code !== 'ok') {
          failed = { index: i, code };
          return { code };
        }
      }
      return { code: 'ok' };
    });
    if (failed === undefined) codes.fill('ok', chain.start, chain.end);
    else codes[failed.index] = failed.code;
  }
  assert(codes.length === inputs.length, 'one code per transfer');
  return codes;
}
