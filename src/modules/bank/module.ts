// The bank as a runtime module: its methods, and the endBlock sweep that expires pending transfers.
// Method names are snake_case, as the ledger's transaction format requires. create_transfer's result
// code is the transfer's own; create_transfers is TigerBeetle's batch: the call succeeds and each
// transfer's outcome is an event (transfer_created, or transfer_failed with its index and code),
// because independent chains in one batch commit or fail on their own.
import type { BlockContext, MethodResult, Module, TxContext } from '../../execution/index.ts';
import { closeAccount, createAccount, registerCurrency } from './accounts.ts';
import {
  readAccountId,
  readAccountInput,
  readCurrencyInput,
  readSupplyInput,
  readTransferBatch,
  readTransferInput,
  type TransferInput,
} from './args.ts';
import { signerAuthority, type TransferAuthority } from './authority.ts';
import { executeTransferBatch } from './batch.ts';
import type { TransferCode } from './codes.ts';
import { bankModuleName } from './constants.ts';
import { emitTransferFailed } from './events.ts';
import { sweepExpiries } from './expiry.ts';
import { BankStore } from './store.ts';
import { issue, redeem } from './supply.ts';
import { expireTransfer } from './transfer.ts';

export type BankOptions = {
  /** Who may register a currency (and become its issuer); anyone by default. */
  canRegisterCurrency?: (ctx: TxContext) => boolean;
  /** Who may debit, resolve and issue; the signer's keys by default (signerAuthority). */
  authority?: (ctx: TxContext) => TransferAuthority;
};

function result(code: string): MethodResult {
  return { code };
}

export function createBankModule(options: BankOptions = {}): Module {
  const authorityOf = options.authority ?? signerAuthority;
  const canRegister = options.canRegisterCurrency ?? (() => true);
  const storeOf = (ctx: BlockContext) => new BankStore(ctx.state);
  return {
    name: bankModuleName,
    methods: {
      register_currency(ctx, args) {
        const input = readCurrencyInput(args, 'args');
        if (!canRegister(ctx)) return result('not_authorized');
        return result(registerCurrency(ctx, storeOf(ctx), input));
      },
      create_account(ctx, args) {
        const input = readAccountInput(args, 'args');
        return result(createAccount(ctx, storeOf(ctx), input, authorityOf(ctx)));
      },
      close_account(ctx, args) {
        const id = readAccountId(args, 'args');
        return result(closeAccount(ctx, storeOf(ctx), id, authorityOf(ctx)));
      },
      create_transfer(ctx, args) {
        const input = readTransferInput(args, 'args');
        const [code] = executeTransferBatch(ctx, storeOf(ctx), [input], authorityOf(ctx));
        return result(code!);
      },
      create_transfers(ctx, args) {
        const inputs = readTransferBatch(args, 'args');
        const codes = executeTransferBatch(ctx, storeOf(ctx), inputs, authorityOf(ctx));
        let failed = 0;
        codes.forEach((code, index) => {
          if (code === 'ok') return;
          failed += 1;
          emitTransferFailed(ctx, index, inputs[index]!.id, code);
        });
        return failed === 0
          ? result('ok')
          : { code: 'ok', message: `${failed} of ${codes.length} transfers failed` };
      },
      issue(ctx, args) {
        const input = readSupplyInput(args, 'args');
        return result(issue(ctx, storeOf(ctx), input, authorityOf(ctx)));
      },
      redeem(ctx, args) {
        const input = readSupplyInput(args, 'args');
        return result(redeem(ctx, storeOf(ctx), input, authorityOf(ctx)));
      },
    },
    endBlock(ctx) {
      const store = storeOf(ctx);
      sweepExpiries(ctx, store, (transfer) => expireTransfer(ctx, store, transfer));
    },
  };
}

/**
 * The bank's transfers called from another module (the keeper pattern): the events are the bank's,
 * the authority is the caller's to decide. A block hook may call it too (an app's expiry sweep
 * voiding pending legs): transfers need the block, not a signer. Returns one code per transfer, as create_transfers does.
 */
export function executeBankTransfers(
  ctx: BlockContext,
  inputs: readonly TransferInput[],
  authority: TransferAuthority,
): TransferCode[] {
  const bank = ctx.forModule(bankModuleName);
  return executeTransferBatch(bank, new BankStore(bank.state), inputs, authority);
}
