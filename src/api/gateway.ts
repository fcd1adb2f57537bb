// The node's gateway as the API sees it: the calls a node makes for its own organisation with the
// organisation's keys (docs/api.md, Remittance). src/node/gateway implements it.
import type { Statement } from '../apps/remittance/iso20022/types.ts';
import type { TravelRule } from '../apps/remittance/travel-rule.ts';
import type { SuiteId } from '../crypto/suite.ts';
import type { SignedQuote } from '../modules/fx/quote.ts';

export type QuoteRequest = {
  readonly sendCurrency: string;
  readonly receiveCurrency: string;
  readonly sendAmount?: bigint | undefined;
  readonly receiveAmount?: bigint | undefined;
};

export type SendRequest = {
  /** 16 bytes (a UUID v4, the UETR); the gateway makes one when absent. */
  readonly id?: Uint8Array | undefined;
  readonly corridor: string;
  readonly quote: SignedQuote;
  readonly senderAccountId: Uint8Array;
  readonly beneficiaryAccountId: Uint8Array;
  readonly travelRule: TravelRule;
  readonly endToEndId?: string | undefined;
};

/** What became of a gateway transaction; `code` and `height` once it is final. */
export type GatewayAnswer = {
  readonly id: Uint8Array;
  readonly txId: Uint8Array;
  readonly height?: number | undefined;
  readonly code?: string | undefined;
  readonly message?: string | undefined;
};

export type RemittanceGateway = {
  readonly orgId: string;
  /**
   * The key this node signs with for its organisation (config `org`): a genesis key, so revoking
   * it on chain would leave the node unable to act for the organisation (POST /v1/txs refuses that).
   */
  readonly signingKey: { readonly suite: SuiteId; readonly publicKey: Uint8Array };
  /** Signs a quote as this node's organisation; TallyError not_fx_provider or unsupported_pair. */
  quote(request: QuoteRequest): Promise<SignedQuote>;
  send(request: SendRequest, wait: boolean): Promise<GatewayAnswer>;
  accept(id: Uint8Array, wait: boolean): Promise<GatewayAnswer>;
  reject(
    id: Uint8Array,
    reason: string,
    message: string | undefined,
    wait: boolean,
  ): Promise<GatewayAnswer>;
  review(
    id: Uint8Array,
    decision: 'release' | 'refuse',
    note: string | undefined,
    wait: boolean,
  ): Promise<GatewayAnswer>;
  /** The Travel-Rule data, if it was sealed to this node's organisation. */
  openTravelRule(id: Uint8Array): Promise<TravelRule | undefined>;
  /** Maps a pacs.008 to a send (quote from the corridor's FX provider) and answers with its pacs.002. */
  initiatePacs008(
    xml: string,
  ): Promise<{ readonly answer: GatewayAnswer; readonly pacs002: string }>;
  /** The statement of an account between two times, from the blocks this node keeps. */
  statement(accountId: Uint8Array, fromMs: number, toMs: number): Statement;
};
