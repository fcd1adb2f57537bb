// `tally keys revoke` asks the nodes that could sign with the key as their gateway key (GET
// /v1/status, `gateway`) and stops before signing anything: the chain cannot tell a gateway key
// from any other, and revoking one leaves its nodes unable to act for the organisation for good.
import { gatewayKeyCode, gatewayKeyMessage } from '../api/gateway-key-guard.ts';
import { createClient, getStatus } from '../sdk/index.ts';
import { toHex } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import type { Connection } from './client-key.ts';

/** A node slow to answer is not asked further: the connected node's own check still applies. */
const statusTimeoutMs = 5000;

type NodeToAsk = { readonly label: string; readonly url: string };

/**
 * The connected node, and with a network folder every node of the key's organisation. A key the
 * genesis does not list is nobody's gateway key (node/gateway/org-keys.ts takes genesis keys only).
 */
export function nodesToAsk(connection: Connection, publicKeyHex: string): NodeToAsk[] {
  const network = connection.network;
  const labelOf = (url: string) => network?.nodes.find((n) => n.apiUrl === url)?.nodeId ?? url;
  const connected = { label: labelOf(connection.url), url: connection.url };
  if (network === undefined) return [connected];
  const registered = network.genesis.keys.find((k) => toHex(k.publicKey) === publicKeyHex);
  if (registered === undefined) return [];
  const own = network.nodes
    .filter((n) => n.orgId === registered.orgId && n.apiUrl !== connection.url)
    .map((n) => ({ label: n.nodeId, url: n.apiUrl }));
  return [connected, ...own];
}

/** Throws `key_gateway` when a node asked says its gateway signs with the key. */
export async function refuseGatewayKey(connection: Connection, publicKey: string): Promise<void> {
  const hex = publicKey.toLowerCase();
  const holders: string[] = [];
  let orgId = '';
  const ask = async (node: NodeToAsk) => {
    try {
      const client = createClient({ url: node.url });
      const { gateway } = await getStatus(client, { signal: AbortSignal.timeout(statusTimeoutMs) });
      if (gateway?.publicKey !== hex) return;
      holders.push(node.label);
      orgId = gateway.orgId;
    } catch {
      // The connected node's failure surfaces when the transaction is submitted to it.
      if (node.url !== connection.url)
        console.error(
          `warning: could not ask ${node.label} whether its gateway signs with this key`,
        );
    }
  };
  await Promise.all(nodesToAsk(connection, hex).map(ask));
  if (holders.length > 0)
    throw new TallyError(gatewayKeyCode, gatewayKeyMessage(orgId, holders.sort().join(', ')), {
      details: { nodes: holders },
    });
}
