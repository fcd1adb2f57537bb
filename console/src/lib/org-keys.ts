// An organisation's API keys on chain, from the console: list them, register a key made in this tab
// and revoke one, and find which of them its nodes' gateways sign with (never offered for revoking).
// Both changes are identity transactions signed by the session's key, which needs role operator; the
// console waits for the receipt and shows its code.
import {
  buildAddKey,
  buildRevokeKey,
  buildTransaction,
  type Client,
  createClient,
  type GeneratedAccount,
  getOrgKeys,
  getStatus,
  type KeyRole,
  type OrgKey,
  signTransaction,
  submitTransactions,
  waitForTransaction,
} from '../../../src/sdk/index.ts';
import type { NetworkInfo } from './network.ts';

export type { OrgKey };

export async function listOrgKeys(client: Client, orgId: string): Promise<readonly OrgKey[]> {
  return (await getOrgKeys(client, { orgId })).keys;
}

async function submitCall(
  client: Client,
  call: ReturnType<typeof buildAddKey> | ReturnType<typeof buildRevokeKey>,
): Promise<void> {
  const account = client.account;
  if (account === undefined) throw new Error('no key to sign with');
  const { chainId } = await getStatus(client);
  const tx = signTransaction(account, buildTransaction({ chainId, ...call }));
  const [result] = (await submitTransactions(client, { transactions: [tx] })).results;
  if (result === undefined || result.status === 'rejected')
    throw new Error(`refused: ${result?.code ?? 'rejected'} ${result?.message ?? ''}`.trim());
  const receipt = await waitForTransaction(client, { txId: tx.txId, timeoutMs: 60_000 });
  if (receipt.code !== 'ok')
    throw new Error(`failed: ${receipt.code}${receipt.message ? ` (${receipt.message})` : ''}`);
}

export async function registerOrgKey(
  client: Client,
  key: GeneratedAccount,
  name: string,
  roles: readonly KeyRole[],
): Promise<void> {
  await submitCall(
    client,
    buildAddKey({ name, suite: key.suite, publicKey: key.publicKey, roles }),
  );
}

/** Node ids by the public key (hex) their gateway signs with. */
export type GatewayKeys = ReadonlyMap<string, readonly string[]>;

/**
 * Which of `orgId`'s keys its nodes' gateways sign with, from each node's public status (the chain
 * cannot tell: docs/api.md, Keys). A node that does not answer is left out.
 */
export async function gatewayKeysOf(network: NetworkInfo, orgId: string): Promise<GatewayKeys> {
  const nodes = network.nodes.filter((n) => n.orgId === orgId);
  const answers = await Promise.all(
    nodes.map(async (node) => {
      try {
        const { gateway } = await getStatus(createClient({ url: node.apiUrl }));
        return gateway === undefined ? undefined : { nodeId: node.nodeId, key: gateway.publicKey };
      } catch {
        return undefined;
      }
    }),
  );
  const keys = new Map<string, string[]>();
  for (const a of answers)
    if (a !== undefined) keys.set(a.key, [...(keys.get(a.key) ?? []), a.nodeId]);
  return keys;
}

export async function revokeOrgKey(client: Client, publicKeyHex: string): Promise<void> {
  await submitCall(client, buildRevokeKey({ publicKey: publicKeyHex }));
}
