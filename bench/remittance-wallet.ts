// The wallet backend's side of the remittance bench: Travel-Rule data sealed to the entitled
// organisations ahead of time, then a fresh quote per send from the bank's node and the send signed
// as soon as its quote arrives, so that the generator offers sends the way a wallet would build them.
import { sendArgs } from '../src/apps/remittance/args.ts';
import { nameKeys } from '../src/apps/remittance/screening.ts';
import { encodeTravelRule } from '../src/apps/remittance/travel-rule.ts';
import { sealEnvelope } from '../src/crypto/envelope.ts';
import { sha256 } from '../src/crypto/sha256.ts';
import { getSuite } from '../src/crypto/suites.ts';
import { signTransaction } from '../src/ledger/tx.ts';
import {
  buildTransaction,
  type Client,
  newRemittanceId,
  requestQuote,
  type SignedQuote,
  TallyError,
} from '../src/sdk/index.ts';
import { toHex } from '../src/util/bytes.ts';
import {
  type Corridor,
  corridorId,
  corridorOrgs,
  mapConcurrent,
  partiesOf,
  type SignedTx,
  txLifetimeMs,
} from './remittance-setup.ts';

const sealConcurrency = 64;
export const quoteConcurrency = 32;
const quoteAttemptsMax = 10;
const quoteRetryJitterMs = 20;
/** Quotes live 60 s: the window opens at the latest this long after the first quote was fetched. */
const prefetchMsMax = 20_000;
/** HKD 100.00 a remittance; the bank's fee comes on top. */
const sendAmount = 10_000n;
const sendAmountSpread = 100;

type Sealed = {
  id: Uint8Array;
  sender: number;
  beneficiary: number;
  travelRule: Uint8Array;
  travelRuleHash: Uint8Array;
  screening: { originator: Uint8Array[]; beneficiary: Uint8Array[] };
};
export type Prepared = { tx: SignedTx; beneficiary: number; receiveAmount: bigint };
/** The wallet's side, summed over the runs (wall-clock ms). */
export type BuildCost = { sends: number; sealMs: number; quoteMs: number; signMs: number };

/** Seals the Travel-Rule data of remittances first..first+n-1: no deadline, so before the window. */
export async function sealSends(
  corridor: Corridor,
  first: number,
  n: number,
  cost: BuildCost,
): Promise<Sealed[]> {
  const t0 = performance.now();
  const sealed = await mapConcurrent(n, sealConcurrency, async (i): Promise<Sealed> => {
    const { sender, beneficiary, travelRule } = partiesOf(first + i, corridor);
    const id = newRemittanceId();
    const envelope = await sealEnvelope(encodeTravelRule(travelRule), corridor.recipients, id);
    const screening = {
      originator: nameKeys(travelRule.originator.name),
      beneficiary: nameKeys(travelRule.beneficiary.name),
    };
    const travelRuleHash = sha256(envelope);
    return { id, sender, beneficiary, travelRule: envelope, travelRuleHash, screening };
  });
  cost.sealMs += performance.now() - t0;
  return sealed;
}

/**
 * The quote for the k-th send. Identical quote requests signed in the same millisecond would carry
 * the same signature, which the node refuses as a replay: the amount varies by a few cents from
 * one send to the next, and a request refused as a replay anyway is signed again, a moment later.
 */
export async function fetchQuote(quoter: Client, k: number): Promise<SignedQuote> {
  const amount = sendAmount + BigInt(k % sendAmountSpread);
  for (let attempt = 1; ; attempt++) {
    try {
      return await requestQuote(quoter, {
        sendCurrency: 'HKD',
        receiveCurrency: 'PHP',
        sendAmount: amount,
      });
    } catch (error) {
      const replayed = error instanceof TallyError && error.details.reason === 'replayed';
      if (!replayed || attempt === quoteAttemptsMax) throw error;
      // Workers retrying in step would collide again: a random pause spreads them out.
      await new Promise((r) => setTimeout(r, 1 + Math.random() * quoteRetryJitterMs));
    }
  }
}

/** Quotes fetched and sends signed in order; `built()` is how many from the start are ready. */
export type Pipeline = {
  readonly prepared: Prepared[];
  built(): number;
  readonly done: Promise<void>;
};

/**
 * Fetches a fresh quote per send from the bank's node (quoteConcurrency at once) and signs each
 * send as soon as its quote arrives. The generator starts once all are built or, when quoting is
 * slower than the quotes' lifetime allows, after prefetchMsMax, and then keeps just behind it.
 */
export function startSigning(
  corridor: Corridor,
  quoter: Client,
  sealed: readonly Sealed[],
  cost: BuildCost,
): Pipeline {
  const hk = corridor.orgs.get(corridorOrgs.sendingOrg)!;
  const suite = getSuite(hk.key.suite);
  const slots: (Prepared | undefined)[] = new Array(sealed.length);
  let next = 0;
  let prefix = 0;
  const sign = (s: Sealed, quote: SignedQuote): Prepared => {
    const args = sendArgs({
      ...s,
      corridor: corridorId,
      quote,
      senderAccountId: corridor.senders[s.sender]!,
      beneficiaryAccountId: corridor.beneficiaries[s.beneficiary]!,
    });
    const request = buildTransaction({
      chainId: corridor.chainId,
      module: 'remittance',
      method: 'send',
      args,
      expiresInMs: txLifetimeMs,
    });
    const body = { ...request, suite: hk.key.suite, signer: hk.key.publicKey };
    const signed = signTransaction(body, suite, hk.key.secretKey);
    const tx = { txId: toHex(signed.id), bytes: signed.bytes };
    return { tx, beneficiary: s.beneficiary, receiveAmount: quote.quote.receiveAmount };
  };
  const worker = async () => {
    while (next < sealed.length) {
      const i = next++;
      const quote = await fetchQuote(quoter, i);
      const t0 = performance.now();
      slots[i] = sign(sealed[i]!, quote);
      cost.signMs += performance.now() - t0;
      while (prefix < slots.length && slots[prefix] !== undefined) prefix++;
    }
  };
  const t0 = performance.now();
  const workers = Array.from({ length: Math.min(quoteConcurrency, sealed.length) }, worker);
  const done = Promise.all(workers).then(() => {
    cost.quoteMs += performance.now() - t0;
    cost.sends += sealed.length;
  });
  return { prepared: slots as Prepared[], built: () => prefix, done };
}

/** Waits until the pipeline is done or prefetchMsMax has passed; answers how many were built. */
export async function prefetch(pipeline: Pipeline): Promise<number> {
  const timeout = new Promise((r) => setTimeout(r, prefetchMsMax));
  await Promise.race([pipeline.done, timeout]);
  return pipeline.built();
}
