// The remittance gateway: what a node does for its own organisation with the organisation's keys.
// It seals Travel-Rule data to the organisations entitled to it (HPKE envelopes, crypto/envelope.ts),
// computes the screening keys so names never reach the chain in clear, signs the module calls with
// the gateway key and follows them to finality; an FX provider's node also prices and signs quotes.
import { randomBytes } from 'node:crypto';
import type {
  GatewayAnswer,
  QuoteRequest,
  RemittanceGateway,
  SendRequest,
} from '../../api/gateway.ts';
import { rejectArgs, reviewArgs, sendArgs } from '../../apps/remittance/args.ts';
import { remittanceModuleName } from '../../apps/remittance/constants.ts';
import {
  getCorridor,
  getRemittance,
  getTravelRuleEnvelope,
} from '../../apps/remittance/queries.ts';
import { nameKeys } from '../../apps/remittance/screening.ts';
import {
  decodeTravelRule,
  encodeTravelRule,
  type TravelRule,
} from '../../apps/remittance/travel-rule.ts';
import { EnvelopeError, openEnvelope, sealEnvelope } from '../../crypto/envelope.ts';
import { sha256 } from '../../crypto/sha256.ts';
import type { StateReader } from '../../execution/types.ts';
import type { BlockStore } from '../../ledger/block-store.ts';
import type { StateTree } from '../../ledger/state/index.ts';
import { getCurrency } from '../../modules/bank/index.ts';
import {
  findMidRate,
  type PricingPolicy,
  priceQuote,
  type RateTable,
  type SignedQuote,
  signQuote,
} from '../../modules/fx/index.ts';
import { newRemittanceId } from '../../sdk/remittance.ts';
import { TallyError } from '../../util/errors.ts';
import type { Genesis } from '../genesis.ts';
import type { OrgKeys } from './org-keys.ts';
import { initiatePacs008, type QuoteSource } from './pacs008.ts';
import type { GatewaySigner } from './signer.ts';
import { buildStatement } from './statement.ts';

/** What an FX provider's node charges by default (config can replace it later). */
export const pricingDefaults: PricingPolicy = Object.freeze({
  marginBps: 50,
  feeFixed: 1000n,
  feeBps: 0,
  ttlMs: 60_000,
  rateScale: 6,
});

export type RemittanceGatewayDeps = {
  readonly genesis: Genesis;
  readonly keys: OrgKeys;
  readonly signer: GatewaySigner;
  readonly latest: StateReader;
  readonly blocks: BlockStore;
  readonly state: StateTree;
  /** Reference rates: present exactly when this node's organisation provides FX. */
  readonly rates: RateTable | undefined;
  readonly pricing: PricingPolicy;
  /** A quote from the corridor's FX provider when this node is not it (over its API). */
  readonly remoteQuote: (provider: string, request: QuoteRequest) => Promise<SignedQuote>;
  readonly now: () => number;
};

function answerOf(
  id: Uint8Array,
  outcome: Awaited<ReturnType<GatewaySigner['submit']>>,
): GatewayAnswer {
  const r = outcome.receipt;
  return {
    id,
    txId: outcome.txId,
    ...(r === undefined
      ? {}
      : { height: r.height, code: r.code, ...(r.message ? { message: r.message } : {}) }),
  };
}

export function createRemittanceGateway(deps: RemittanceGatewayDeps): RemittanceGateway {
  const orgId = deps.keys.orgId;

  const decimalsOf = (code: string): number => {
    const currency = getCurrency(deps.latest, code);
    if (currency === undefined)
      throw new TallyError('unsupported_pair', `currency ${code} is not registered`);
    return currency.decimals;
  };

  const quote = async (request: QuoteRequest): Promise<SignedQuote> => {
    // Rates are loaded for an fx-provider's node only (gateway/index.ts): they are the signal.
    if (deps.rates === undefined)
      throw new TallyError('not_fx_provider', `${orgId} does not provide FX quotes on this node`);
    let mid: ReturnType<typeof findMidRate>['mid'];
    try {
      mid = findMidRate(deps.rates, request.sendCurrency, request.receiveCurrency).mid;
    } catch (cause) {
      throw new TallyError(
        'unsupported_pair',
        `no reference rate for ${request.sendCurrency} -> ${request.receiveCurrency}`,
        { cause },
      );
    }
    const q = priceQuote(
      {
        id: new Uint8Array(randomBytes(16)),
        provider: orgId,
        sendCurrency: request.sendCurrency,
        receiveCurrency: request.receiveCurrency,
        sendDecimals: decimalsOf(request.sendCurrency),
        receiveDecimals: decimalsOf(request.receiveCurrency),
        sendAmount: request.sendAmount,
        receiveAmount: request.receiveAmount,
        nowMs: deps.now(),
      },
      mid,
      deps.pricing,
    );
    return signQuote(q, deps.keys.signing.suite, deps.keys.signing);
  };

  const recipientsFor = (corridorId: string) => {
    const corridor = getCorridor(deps.latest, corridorId);
    if (corridor === undefined)
      throw new TallyError('corridor_not_found', `corridor ${corridorId} is not registered`);
    const ids = [
      ...new Set([
        corridor.sendingOrg,
        corridor.receivingOrg,
        corridor.fxOrg,
        ...corridor.regulators,
      ]),
    ];
    return ids.map((id) => {
      const key = deps.genesis.organizations.find((o) => o.id === id)?.encryptionKey;
      if (key === undefined)
        throw new TallyError(
          'no_encryption_key',
          `organisation ${id} has no encryption key in the genesis`,
        );
      return { id, publicKey: key };
    });
  };

  const send = async (request: SendRequest, wait: boolean): Promise<GatewayAnswer> => {
    const id = request.id ?? newRemittanceId();
    const envelope = await sealEnvelope(
      encodeTravelRule(request.travelRule),
      recipientsFor(request.corridor),
      id,
    );
    const args = sendArgs({
      id,
      corridor: request.corridor,
      quote: request.quote,
      senderAccountId: request.senderAccountId,
      beneficiaryAccountId: request.beneficiaryAccountId,
      travelRule: envelope,
      travelRuleHash: sha256(envelope),
      screening: {
        originator: nameKeys(request.travelRule.originator.name),
        beneficiary: nameKeys(request.travelRule.beneficiary.name),
      },
      endToEndId: request.endToEndId,
    });
    return answerOf(id, await deps.signer.submit(remittanceModuleName, 'send', args, wait));
  };

  const quoteFor: QuoteSource = (provider, request) =>
    provider === orgId ? quote(request) : deps.remoteQuote(provider, request);

  return {
    orgId,
    signingKey: { suite: deps.keys.signing.suite, publicKey: deps.keys.signing.publicKey },
    quote,
    send,
    async accept(id, wait) {
      return answerOf(id, await deps.signer.submit(remittanceModuleName, 'accept', { id }, wait));
    },
    async reject(id, reason, message, wait) {
      const args = rejectArgs({ id, reason, message });
      return answerOf(id, await deps.signer.submit(remittanceModuleName, 'reject', args, wait));
    },
    async review(id, decision, note, wait) {
      const args = reviewArgs({ id, decision, note });
      return answerOf(id, await deps.signer.submit(remittanceModuleName, 'review', args, wait));
    },
    async openTravelRule(id): Promise<TravelRule | undefined> {
      const envelope = getTravelRuleEnvelope(deps.latest, id);
      if (envelope === undefined) return undefined;
      try {
        return decodeTravelRule(
          await openEnvelope(envelope, orgId, deps.keys.encryption.privateKey, id),
        );
      } catch (error) {
        if (error instanceof EnvelopeError && error.code === 'not_a_recipient') return undefined;
        throw error;
      }
    },
    initiatePacs008: (xml) =>
      initiatePacs008(xml, {
        orgId,
        genesis: deps.genesis,
        latest: deps.latest,
        quote: quoteFor,
        send,
        status: (id) => getRemittance(deps.latest, id),
        now: deps.now,
      }),
    statement: (accountId, fromMs, toMs) =>
      buildStatement(
        { blocks: deps.blocks, state: deps.state, latest: deps.latest, orgId },
        accountId,
        fromMs,
        toMs,
      ),
  };
}
