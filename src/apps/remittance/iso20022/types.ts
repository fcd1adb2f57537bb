// The pacs.008.001.08 fields Tally reads and writes (ISO 20022 FIToFICustomerCreditTransferV08, one
// CreditTransferTransaction39). Text stays text: amounts and rates are decimal strings as in the message.

/** A `Cd | Prtry` choice: an external code list value, or a proprietary one. */
export type CodeOrProprietary = { code: string } | { proprietary: string };

/** ActiveCurrencyAndAmount: `amount` is the decimal text (at most 18 digits, 5 after the point). */
export type Amount = { currency: string; amount: string };

/** PostalAddress24 without AdrTp; every part is optional, as in the XSD. */
export type PostalAddress = {
  department?: string;
  subDepartment?: string;
  street?: string;
  buildingNumber?: string;
  buildingName?: string;
  floor?: string;
  postBox?: string;
  room?: string;
  postCode?: string;
  town?: string;
  townLocation?: string;
  district?: string;
  countrySubDivision?: string;
  country?: string;
  lines?: string[]; // AdrLine, at most 7
};

/** GenericOrganisationIdentification1 / GenericPersonIdentification1. */
export type OtherId = { id: string; scheme?: CodeOrProprietary; issuer?: string };

/** Party38Choice: an organisation (OrgId) or a person (PrvtId). */
export type PartyId =
  | { kind: 'organisation'; anyBic?: string; lei?: string; others: OtherId[] }
  | {
      kind: 'person';
      birth?: { date: string; province?: string; city: string; country: string };
      others: OtherId[];
    };

/** PartyIdentification135 without contact details; `country` is CtryOfRes. */
export type Party = {
  name?: string;
  postalAddress?: PostalAddress;
  id?: PartyId;
  country?: string;
};

/** CashAccount38: Id is an IBAN or Othr/Id (a wallet account); Prxy/Id carries an alias (a phone). */
export type Account = {
  id: { iban: string } | { other: string; scheme?: CodeOrProprietary; issuer?: string };
  currency?: string;
  name?: string;
  proxy?: { id: string; type?: CodeOrProprietary };
};

/** BranchAndFinancialInstitutionIdentification6/FinInstnId, without branch and Othr. */
export type Agent = {
  bic?: string;
  clearingMember?: { memberId: string; system?: CodeOrProprietary };
  lei?: string;
  name?: string;
  postalAddress?: PostalAddress;
};

export type ChargeBearer = 'DEBT' | 'CRED' | 'SHAR' | 'SLEV';
export const chargeBearers: readonly ChargeBearer[] = ['DEBT', 'CRED', 'SHAR', 'SLEV'];
export type SettlementMethod = 'INDA' | 'INGA' | 'COVE' | 'CLRG';
export const settlementMethods: readonly SettlementMethod[] = ['INDA', 'INGA', 'COVE', 'CLRG'];

/** RemittanceInformation16: unstructured lines, and structured referred documents (RfrdDocInf). */
export type RemittanceInfo = {
  unstructured: string[];
  documents: { type?: CodeOrProprietary; number?: string; date?: string }[];
};

export type Pacs008 = {
  msgId: string;
  createdAt: string; // ISODateTime as written
  settlementMethod: SettlementMethod;
  clearingSystem?: CodeOrProprietary; // SttlmInf/ClrSys
  uetr: string; // mandatory here (CBPR+), though the base XSD leaves it optional
  endToEndId: string;
  instrId?: string;
  txId?: string;
  interbankSettlement: Amount;
  interbankSettlementDate?: string;
  instructed?: Amount;
  exchangeRate?: string; // BaseOneRate: instructed x rate = interbank settlement
  chargeBearer: ChargeBearer;
  charges: { amount: Amount; agent: Agent }[];
  instructingAgent?: Agent;
  instructedAgent?: Agent;
  intermediaryAgents: Agent[]; // IntrmyAgt1..3
  ultimateDebtor?: Party;
  debtor: Party & { name: string }; // a name is required for the Travel Rule
  debtorAccount?: Account;
  debtorAgent: Agent;
  creditorAgent: Agent;
  creditor: Party & { name: string };
  creditorAccount?: Account;
  ultimateCreditor?: Party;
  purpose?: CodeOrProprietary;
  remittanceInfo?: RemittanceInfo;
};

/** One movement on an account in a statement; `amount` is unsigned minor units. */
export type StatementEntry = {
  transferId: string;
  height: number;
  timeMs: number;
  direction: 'debit' | 'credit';
  amount: bigint;
  counterpartyAccountId: string;
  status: 'posted' | 'pending' | 'voided' | 'expired';
  reference?: string;
};

/** An account's statement over [fromMs, toMs]; opening and closing are signed minor units. */
export type Statement = {
  orgId: string;
  accountId: string;
  currency: string;
  decimals: number;
  fromMs: number;
  toMs: number;
  opening: bigint;
  closing: bigint;
  entries: StatementEntry[];
};

/** One row of end-of-day net positions: `payer` owes `payee` `amount` minor units of `currency`. */
export type NetPosition = { payer: string; payee: string; currency: string; amount: bigint };
