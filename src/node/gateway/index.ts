// Builds the node's gateway (docs/api.md, Remittance) from its organisation's keys: the signer that
// acts for the organisation, reference rates when it provides FX, and the API client that asks
// another organisation's node for a quote.
import { readFileSync } from 'node:fs';
import type { QuoteRequest, RemittanceGateway } from '../../api/gateway.ts';
import type { StateReader } from '../../execution/types.ts';
import type { BlockStore } from '../../ledger/block-store.ts';
import type { StateTree } from '../../ledger/state/index.ts';
import type { AdmitResult } from '../../mempool/results.ts';
import { loadRateTable, type RateTable, type SignedQuote } from '../../modules/fx/index.ts';
import { signedQuoteFromJson } from '../../modules/fx/quote-json.ts';
import { accountFromSecretKey } from '../../sdk/accounts.ts';
import { createClient } from '../../sdk/client.ts';
import { TallyError } from '../../util/errors.ts';
import { apiUrl, type Genesis } from '../genesis.ts';
import type { OrgKeys } from './org-keys.ts';
import { createRemittanceGateway, pricingDefaults } from './remittance.ts';
import { GatewaySigner } from './signer.ts';

/** The demo's reference rates (ECB euro rates), shipped with the package. */
export const defaultRatesFile = new URL('../../../config/fx-rates.csv', import.meta.url);

export type NodeGatewayDeps = {
  readonly genesis: Genesis;
  readonly keys: OrgKeys;
  readonly latest: StateReader;
  readonly blocks: BlockStore;
  readonly state: StateTree;
  admit(txs: readonly Uint8Array[]): Promise<AdmitResult[]>;
  onExecuted(listener: (height: number) => void): () => void;
};

function apiUrlOf(genesis: Genesis, orgId: string): string {
  const node = genesis.nodes.find((n) => n.orgId === orgId);
  if (node === undefined)
    throw new TallyError('fx_provider_unreachable', `${orgId} runs no node to ask for a quote`);
  return apiUrl(node.api);
}

function remoteQuoter(genesis: Genesis, keys: OrgKeys) {
  const account = accountFromSecretKey(keys.signing.suite, keys.signing.secretKey);
  return async (provider: string, request: QuoteRequest): Promise<SignedQuote> => {
    const client = createClient({ url: apiUrlOf(genesis, provider), account });
    const response = await client.request({
      method: 'POST',
      path: '/v1/fx/quotes',
      signed: true,
      body: {
        sendCurrency: request.sendCurrency,
        receiveCurrency: request.receiveCurrency,
        ...(request.sendAmount === undefined ? {} : { sendAmount: request.sendAmount.toString() }),
        ...(request.receiveAmount === undefined
          ? {}
          : { receiveAmount: request.receiveAmount.toString() }),
      },
    });
    return signedQuoteFromJson(response.body);
  };
}

export function createNodeGateway(deps: NodeGatewayDeps): RemittanceGateway {
  const org = deps.genesis.organizations.find((o) => o.id === deps.keys.orgId);
  const rates: RateTable | undefined = org?.roles.includes('fx-provider')
    ? loadRateTable(readFileSync(defaultRatesFile, 'utf8'))
    : undefined;
  const signer = new GatewaySigner({
    chainId: deps.genesis.chainId,
    keys: deps.keys,
    blocks: deps.blocks,
    admit: deps.admit,
    onExecuted: deps.onExecuted,
    now: Date.now,
  });
  return createRemittanceGateway({
    genesis: deps.genesis,
    keys: deps.keys,
    signer,
    latest: deps.latest,
    blocks: deps.blocks,
    state: deps.state,
    rates,
    pricing: pricingDefaults,
    remoteQuote: remoteQuoter(deps.genesis, deps.keys),
    now: Date.now,
  });
}

export { loadOrgKeys, type OrgKeys } from './org-keys.ts';
