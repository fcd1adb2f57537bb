// Signed Ether value transfers for the EVM peer: many sender accounts with deterministic keys,
// EIP-1559 transactions signed locally with viem, round-robin over the senders so that each sender
// has at most one transaction in flight (an automining node answers a sender's transactions in
// nonce order only if they arrive in it).
import { createHash } from 'node:crypto';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { evmChainId, type FundedAccount } from './hardhat-node.ts';

const transferGas = 21_000n;
const maxFeePerGasWei = 100_000_000_000n; // far above the dev chain's base fee, so none waits
const maxPriorityFeePerGasWei = 1_000_000_000n;
const senderBalanceWei = 10n ** 24n;

export type Senders = {
  readonly accounts: readonly PrivateKeyAccount[];
  readonly funded: readonly FundedAccount[];
  /** Next nonce per sender; advanced as transfers are signed. */
  readonly nonces: number[];
};

export type SignedTransfer = { readonly sender: number; readonly raw: `0x${string}` };

/** Sender `i`'s key: SHA-256 of a fixed label, so runs are repeatable (test keys, no value). */
export function senderKey(i: number): `0x${string}` {
  if (!Number.isInteger(i) || i < 0) throw new RangeError(`senderKey: bad index ${i}`);
  return `0x${createHash('sha256').update(`tally-bench-evm-sender-${i}`).digest('hex')}`;
}

export function createSenders(count: number): Senders {
  if (!Number.isInteger(count) || count < 2)
    throw new RangeError(`createSenders: need at least 2 senders, got ${count}`);
  const keys = Array.from({ length: count }, (_, i) => senderKey(i));
  return {
    accounts: keys.map((k) => privateKeyToAccount(k)),
    funded: keys.map((privateKey) => ({ privateKey, balanceWei: senderBalanceWei })),
    nonces: keys.map(() => 0),
  };
}

/** Which sender signs the `index`-th transfer of a run, and to whom it pays. */
export function transferParties(
  index: number,
  senderCount: number,
): { sender: number; to: number } {
  const sender = index % senderCount;
  return { sender, to: (sender + 1) % senderCount };
}

/** Signs `count` transfers of 1 wei each, round-robin over the senders, advancing their nonces. */
export async function signTransfers(senders: Senders, count: number): Promise<SignedTransfer[]> {
  const out: SignedTransfer[] = [];
  for (let i = 0; i < count; i++) {
    const { sender, to } = transferParties(i, senders.accounts.length);
    const account = senders.accounts[sender]!;
    const nonce = senders.nonces[sender]!;
    const raw = await account.signTransaction({
      chainId: evmChainId,
      type: 'eip1559',
      nonce,
      to: senders.accounts[to]!.address,
      value: 1n,
      gas: transferGas,
      maxFeePerGas: maxFeePerGasWei,
      maxPriorityFeePerGas: maxPriorityFeePerGasWei,
    });
    senders.nonces[sender] = nonce + 1;
    out.push({ sender, raw });
  }
  return out;
}
