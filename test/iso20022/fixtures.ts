// A remittance-shaped pacs.008 (HKD wallet to PHP wallet, alias in Prxy) shared by the ISO 20022 tests.
import type { Pacs008 } from '../../src/apps/remittance/iso20022/index.ts';

export const remittancePacs008: Pacs008 = {
  msgId: 'TALLY-20250310-000001',
  createdAt: '2025-03-10T01:02:03.456Z',
  settlementMethod: 'INDA',
  uetr: '0f6b2c1e-8f3a-4c2d-9e7b-1a2b3c4d5e6f',
  endToEndId: 'E2E <Mum & Dad>',
  txId: 'tx-1',
  interbankSettlement: { currency: 'PHP', amount: '7268.92' },
  interbankSettlementDate: '2025-03-10',
  instructed: { currency: 'HKD', amount: '1000.00' },
  exchangeRate: '7.2689200000',
  chargeBearer: 'DEBT',
  charges: [{ amount: { currency: 'HKD', amount: '12.50' }, agent: { bic: 'TALYHKHH' } }],
  instructingAgent: { bic: 'WALTHKHHXXX' },
  instructedAgent: { bic: 'GCSHPHMM' },
  intermediaryAgents: [{ bic: 'FXBKHKHH', name: 'FX Bank "HK" Ltd' }],
  debtor: {
    name: 'Chan Tai Man',
    postalAddress: { lines: ['Flat 3, 12/F', 'Nathan Road 1'], town: 'Kowloon', country: 'HK' },
    id: {
      kind: 'person',
      birth: { date: '1980-01-31', city: 'Hong Kong', country: 'HK' },
      others: [{ id: 'A1234567', scheme: { code: 'CCPT' } }],
    },
    country: 'HK',
  },
  debtorAccount: {
    id: { other: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' },
    currency: 'HKD',
    proxy: { id: '+85291234567', type: { code: 'MBNO' } },
  },
  debtorAgent: { bic: 'WALTHKHH' },
  creditorAgent: {
    bic: 'GCSHPHMM',
    clearingMember: { memberId: '010530667', system: { proprietary: 'PCHC' } },
  },
  creditor: {
    name: 'Maria Dela Cruz',
    id: { kind: 'organisation', lei: '5493001KJTIIGC8Y1R12', others: [] },
  },
  creditorAccount: { id: { iban: 'PH12ABCD0000000000001' }, name: 'GCash wallet' },
  purpose: { code: 'FAMI' },
  remittanceInfo: {
    unstructured: ['Tuition & rent, March'],
    documents: [{ type: { proprietary: 'SCHOOL' }, number: 'INV-9' }],
  },
};
