// POST /v1/txs refuses to admit a revocation of the key this node's own gateway signs with
// (docs/api.md, Keys). The chain cannot tell which key that is: a gateway key is an ordinary genesis
// key with role submit, named as the gateway's only in the node's config. Revoked, it could never
// be replaced (node/gateway/org-keys.ts accepts genesis keys only), so the node that holds it
// guards it here. Other nodes cannot know; clients ask GET /v1/status (`gateway`) of the org's nodes.
import { readBytes, readRecord } from '../codec/index.ts';
import { decodeTransaction } from '../ledger/tx.ts';
import type { AdmitResult } from '../mempool/index.ts';
import { identityModuleName } from '../modules/identity/keys.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual } from '../util/bytes.ts';
import type { ApiServices } from './services.ts';

export const gatewayKeyCode = 'key_gateway';

/**
 * The refusal's text, pinned in tests (the CLI says the same, naming the nodes): what revoking would
 * break, and the only way to revoke the key on purpose.
 */
export function gatewayKeyMessage(orgId: string, holders = 'this node'): string {
  return (
    `${orgId}'s gateway on ${holders} signs with this key: revoking it would stop that gateway ` +
    `acting for ${orgId} for good, since a gateway key must be a genesis key and cannot be rotated on ` +
    'chain. To revoke it anyway (a leaked key), remove `org` from the config of every node that ' +
    'holds it, restart them, then revoke it'
  );
}

/**
 * The id of `bytes` when it is a transaction revoking `publicKey`; otherwise undefined (bytes that do
 * not decode are the mempool's to refuse, with its own code).
 */
export function revocationOf(bytes: Uint8Array, publicKey: Uint8Array): Uint8Array | undefined {
  // Nearly every transaction leaves the key out: a byte search spares decoding them on the hot path.
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(publicKey) < 0)
    return undefined;
  try {
    const tx = decodeTransaction(bytes);
    if (tx.module !== identityModuleName || tx.method !== 'revoke_key') return undefined;
    const args = readRecord(tx.args, 'args', ['publicKey']);
    return bytesEqual(readBytes(args.publicKey, 'args.publicKey'), publicKey) ? tx.id : undefined;
  } catch {
    return undefined;
  }
}

/** Submits `txs` to the mempool, except revocations of this node's gateway key, refused in place. */
export async function submitGuarded(
  services: ApiServices,
  txs: readonly Uint8Array[],
): Promise<AdmitResult[]> {
  const gateway = services.gateway;
  if (gateway === undefined) return services.submit(txs);
  const refused = txs.map((bytes) => revocationOf(bytes, gateway.signingKey.publicKey));
  if (refused.every((id) => id === undefined)) return services.submit(txs);
  const rest = txs.filter((_, i) => refused[i] === undefined);
  const admitted = rest.length === 0 ? [] : await services.submit(rest);
  assert(admitted.length === rest.length, 'submitGuarded: one mempool result per transaction');
  const message = gatewayKeyMessage(gateway.orgId);
  let next = 0;
  return refused.map((txId): AdmitResult => {
    if (txId === undefined) return admitted[next++]!;
    return { status: 'rejected', txId, code: gatewayKeyCode, message };
  });
}
