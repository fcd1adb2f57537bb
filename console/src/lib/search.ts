// The explorer's search box: what a typed text names (a height, a block hash or transaction id, a
// transfer or account id or name, a remittance id or UETR) and the page that shows it.
import {
  type Client,
  getBlock,
  getLatestBlock,
  getProof,
  getRemittance,
  getTransaction,
} from '../../../src/sdk/index.ts';
import { bankIdFromName, bankStateKeys, isBankName } from './ids.ts';

/** How many recent blocks a block-hash search looks through (there is no by-hash endpoint). */
export const hashSearchBlocksMax = 200;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type SearchResult = { path: string } | { notFound: string };

async function exists(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch {
    return false;
  }
}

async function findBlockByHash(client: Client, hash: string): Promise<number | undefined> {
  const latest = await getLatestBlock(client);
  if (latest.hash === hash) return latest.height;
  const lowest = Math.max(0, latest.height - hashSearchBlocksMax);
  for (let h = latest.height - 1; h >= lowest; h--)
    if ((await getBlock(client, { height: h })).hash === hash) return h;
  return undefined;
}

/** Whether the bank holds this state key (a proof answers 200 either way: no failed request). */
async function inState(client: Client, key: string): Promise<boolean> {
  return (await getProof(client, { key })).value !== null;
}

/** A 16-byte id: an account, a transfer, or (unless it came from a name) a remittance. */
async function find16(client: Client, id: string, remittance: boolean): Promise<SearchResult> {
  if (await inState(client, bankStateKeys.account(id))) return { path: `/explorer/account/${id}` };
  if (await inState(client, bankStateKeys.transfer(id)))
    return { path: `/explorer/transfer/${id}` };
  if (remittance && (await exists(() => getRemittance(client, { id }))))
    return { path: `/explorer/remittance/${id}` };
  return { notFound: `no account, transfer${remittance ? ' or remittance' : ''} has id ${id}` };
}

/** Resolves a search; `client` signs with a read key (public endpoints work without one). */
export async function resolveSearch(client: Client, text: string): Promise<SearchResult> {
  const q = text.trim();
  if (/^\d{1,15}$/.test(q)) return { path: `/explorer/block/${Number(q)}` };
  const lower = q.toLowerCase().replace(/^0x/, '');
  if (uuidPattern.test(lower)) {
    const id = lower.replaceAll('-', '');
    if (await exists(() => getRemittance(client, { id })))
      return { path: `/explorer/remittance/${id}` };
    return { notFound: `no remittance has UETR ${lower}` };
  }
  if (/^[0-9a-f]{32}$/.test(lower)) return find16(client, lower, true);
  if (/^[0-9a-f]{64}$/.test(lower)) {
    const tx = await getTransaction(client, { txId: lower }).catch(() => undefined);
    if (tx !== undefined && tx.status !== 'unknown') return { path: `/explorer/tx/${lower}` };
    const height = await findBlockByHash(client, lower);
    if (height !== undefined) return { path: `/explorer/block/${height}` };
    return {
      notFound: `no transaction has this id, and no block among the last ${hashSearchBlocksMax} has this hash`,
    };
  }
  if (isBankName(q)) return find16(client, bankIdFromName(q), false);
  return {
    notFound:
      'type a block height, a block hash or transaction id (64 hex digits), a transfer, account or remittance id (32 hex digits), a UETR, or a name such as hk-wallet/alice',
  };
}
