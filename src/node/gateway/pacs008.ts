// A remittance started by an ISO 20022 pacs.008 (docs/api.md, POST /v1/iso20022/pacs008): the
// message is checked against the XSD, read, and mapped onto a send (UETR -> remittance id, InstdAmt
// -> the quote's send amount, Dbtr/Cdtr -> Travel-Rule parties, DbtrAcct/CdtrAcct Othr/Id -> the
// wallet account ids); the answer is the pacs.002 for the status the send reached.
import { randomBytes } from 'node:crypto';
import type { GatewayAnswer, QuoteRequest, SendRequest } from '../../api/gateway.ts';
import {
  buildPacs002,
  Iso20022Error,
  type Pacs002Input,
  type Pacs008,
  parsePacs008,
  statusToPacs002,
} from '../../apps/remittance/iso20022/index.ts';
import type { Account, Party, PostalAddress } from '../../apps/remittance/iso20022/types.ts';
import { validatePacs008Xml } from '../../apps/remittance/iso20022/validate.ts';
import { listCorridors, type Remittance } from '../../apps/remittance/queries.ts';
import type { TravelRule, TravelRuleParty } from '../../apps/remittance/travel-rule.ts';
import type { StateReader } from '../../execution/types.ts';
import { getCurrency } from '../../modules/bank/index.ts';
import { parseMajor, type SignedQuote } from '../../modules/fx/index.ts';
import { fromHex } from '../../util/bytes.ts';
import { TallyError } from '../../util/errors.ts';
import type { Genesis } from '../genesis.ts';

export type QuoteSource = (provider: string, request: QuoteRequest) => Promise<SignedQuote>;

export type Pacs008Context = {
  readonly orgId: string;
  readonly genesis: Genesis;
  readonly latest: StateReader;
  readonly quote: QuoteSource;
  readonly send: (request: SendRequest, wait: boolean) => Promise<GatewayAnswer>;
  readonly status: (id: Uint8Array) => Remittance | undefined;
  readonly now: () => number;
};

/** ISO 20022 reason codes for the send codes a sender can act on; NARR carries the rest. */
const reasonBySendCode: Readonly<Record<string, string>> = {
  remittance_exists: 'DUPL',
  sender_account_invalid: 'AC01',
  beneficiary_account_invalid: 'AC03',
  insufficient_funds: 'AM04',
  daily_limit_exceeded: 'AM14',
  monthly_limit_exceeded: 'AM14',
  kyc_level_insufficient: 'RR04',
};

function invalid(path: string, message: string, errors: string[] = []): never {
  throw new TallyError('iso20022_invalid', `${path}: ${message}`, {
    details: { path, ...(errors.length > 0 ? { errors } : {}) },
  });
}

function accountId(account: Account | undefined, path: string): Uint8Array {
  if (account === undefined) invalid(path, 'is required: the wallet account (Othr/Id)');
  if (!('other' in account.id) || !/^[0-9a-fA-F]{32}$/.test(account.id.other))
    invalid(`${path}/Id/Othr/Id`, 'expected the 16-byte wallet account id as 32 hex digits');
  return fromHex(account.id.other.toLowerCase());
}

function addressOf(a: PostalAddress | undefined, country: string | undefined) {
  const lines =
    a?.lines ??
    [
      [a?.buildingNumber, a?.street].filter(Boolean).join(' '),
      [a?.postCode, a?.town].filter(Boolean).join(' '),
    ].filter((l) => l.length > 0);
  const ctry = a?.country ?? country;
  return ctry === undefined || lines.length === 0 ? undefined : { lines, country: ctry };
}

function partyOf(p: Party & { name: string }, account: Account | undefined): TravelRuleParty {
  const ref =
    account === undefined ? p.name : 'other' in account.id ? account.id.other : account.id.iban;
  const address = addressOf(p.postalAddress, p.country);
  return {
    name: p.name,
    accountRef: ref.slice(0, 64),
    ...(address === undefined ? {} : { address }),
  };
}

async function readMessage(xml: string): Promise<Pacs008> {
  const checked = await validatePacs008Xml(xml);
  if (!checked.valid)
    invalid(
      '/Document',
      'does not validate against pacs.008.001.08.xsd',
      checked.errors.slice(0, 5),
    );
  try {
    return parsePacs008(xml);
  } catch (error) {
    if (error instanceof Iso20022Error)
      throw new TallyError('iso20022_invalid', error.message, {
        details: { path: error.path, reason: error.code },
      });
    throw error;
  }
}

function toSend(
  m: Pacs008,
  ctx: Pacs008Context,
): {
  corridor: string;
  fxOrg: string;
  sendAmount: bigint;
  request: Omit<SendRequest, 'quote' | 'corridor'>;
} {
  const instructed = m.instructed ?? m.interbankSettlement;
  const sendCurrency = instructed.currency;
  const receiveCurrency = m.interbankSettlement.currency;
  const corridor = listCorridors(ctx.latest).find(
    (c) =>
      c.sendingOrg === ctx.orgId &&
      c.sendCurrency === sendCurrency &&
      c.receiveCurrency === receiveCurrency,
  );
  if (corridor === undefined)
    invalid(
      '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/IntrBkSttlmAmt',
      `no corridor ${sendCurrency} -> ${receiveCurrency} sends from ${ctx.orgId}`,
    );
  const decimals = getCurrency(ctx.latest, sendCurrency)?.decimals;
  if (decimals === undefined)
    invalid(
      '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/InstdAmt',
      `currency ${sendCurrency} is not registered`,
    );
  let sendAmount: bigint;
  try {
    sendAmount = parseMajor(instructed.amount, decimals, 'InstdAmt');
  } catch (cause) {
    invalid('/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/InstdAmt', `${(cause as Error).message}`);
  }
  const tx = '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf';
  const travelRule: TravelRule = {
    originator: partyOf(m.debtor, m.debtorAccount),
    beneficiary: partyOf(m.creditor, m.creditorAccount),
  };
  return {
    corridor: corridor.id,
    fxOrg: corridor.fxOrg,
    sendAmount,
    request: {
      id: fromHex(m.uetr.replaceAll('-', '')),
      senderAccountId: accountId(m.debtorAccount, `${tx}/DbtrAcct`),
      beneficiaryAccountId: accountId(m.creditorAccount, `${tx}/CdtrAcct`),
      travelRule,
      endToEndId: m.endToEndId,
    },
  };
}

function messageId(now: number): string {
  return `TALLY-${now}-${randomBytes(6).toString('hex')}`;
}

function reportFor(
  m: Pacs008,
  answer: GatewayAnswer,
  remittance: Remittance | undefined,
  ctx: Pacs008Context,
): Pacs002Input {
  const base = {
    msgId: messageId(ctx.now()),
    createdAt: new Date(ctx.now()).toISOString(),
    originalMsgId: m.msgId,
    originalCreatedAt: m.createdAt,
    originalEndToEndId: m.endToEndId,
    ...(m.txId === undefined ? {} : { originalTxId: m.txId }),
    uetr: m.uetr,
    ...(m.instructingAgent?.bic === undefined
      ? {}
      : { instructedAgentBic: m.instructingAgent.bic }),
  };
  const bic = ctx.genesis.organizations.find((o) => o.id === ctx.orgId)?.bic;
  const withAgent = bic === undefined ? base : { ...base, instructingAgentBic: bic };
  if (answer.code === undefined)
    return {
      ...withAgent,
      status: 'PDNG',
      reason: { code: 'NARR', info: 'not final yet: ask again for the status' },
    };
  if (answer.code !== 'ok' || remittance === undefined) {
    const code = answer.code;
    return {
      ...withAgent,
      status: 'RJCT',
      reason: {
        code: reasonBySendCode[code] ?? 'NARR',
        info: `${code}${answer.message ? `: ${answer.message}` : ''}`.slice(0, 210),
      },
    };
  }
  const mapped = statusToPacs002(remittance.status, remittance.reason);
  return { ...withAgent, ...mapped };
}

export async function initiatePacs008(
  xml: string,
  ctx: Pacs008Context,
): Promise<{ answer: GatewayAnswer; pacs002: string }> {
  const message = await readMessage(xml);
  const mapped = toSend(message, ctx);
  const quote = await ctx.quote(mapped.fxOrg, {
    sendCurrency: message.instructed?.currency ?? message.interbankSettlement.currency,
    receiveCurrency: message.interbankSettlement.currency,
    sendAmount: mapped.sendAmount,
  });
  const answer = await ctx.send({ ...mapped.request, corridor: mapped.corridor, quote }, true);
  const remittance = ctx.status(answer.id);
  return { answer, pacs002: buildPacs002(reportFor(message, answer, remittance, ctx)) };
}
