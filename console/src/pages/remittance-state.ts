// The remittance page's shared state: the corridor's organisations and clients, the remittances
// sent from this page with their live status and elapsed time, and the demo's people.
import type { Client, ModuleEvent, RemittanceView } from '../../../src/sdk/index.ts';

/** What statusChanges reads of a live tx message (lib/live.tsx LiveTx). */
type TxMessage = {
  readonly height: number;
  readonly txId: string;
  readonly events: readonly ModuleEvent[];
};

export const corridorId = 'HKD-PHP';
/** Statuses after which nothing moves any more. */
export const finalStatuses: ReadonlySet<string> = new Set([
  'completed',
  'rejected',
  'refused',
  'expired',
]);

/** The demo's customers (src/cli/network/seed-remittance.ts demoPeople): account name -> person. */
export const senders = [
  { account: 'hk-wallet/alice', name: 'Alice Wong' },
  { account: 'hk-wallet/bob', name: 'Bob Lee' },
  { account: 'hk-wallet/chan', name: 'Chan Tai Man' },
] as const;
export const beneficiaries = [
  { account: 'ph-wallet/maria', name: 'Maria Santos' },
  { account: 'ph-wallet/jose', name: 'Jose Reyes' },
  { account: 'ph-wallet/victor', name: 'Victor Draganoff' },
] as const;

export type Sent = {
  readonly id: string;
  readonly uetr: string;
  readonly startedAtMs: number;
  readonly status: string;
  /** When the status became final, as this browser saw it. */
  readonly doneAtMs?: number;
  readonly txId?: string;
  /** The newest block this page saw change it (the send's, then any status change's). */
  readonly height?: number;
  readonly remittance?: RemittanceView;
  readonly from: string;
  readonly to: string;
};

export type CorridorClients = {
  readonly sender: Client;
  readonly quoter: Client;
  readonly receiver: Client;
  readonly regulator: Client | undefined;
  readonly regulatorOrg: string | undefined;
};

export type StatusChange = {
  readonly id: string;
  readonly status: string;
  readonly txId: string;
  /** The block that made the change: another node has it once it has executed this height. */
  readonly height: number;
};

/** The remittance status changes a tx message carries (module remittance, remittance_status). */
export function statusChanges(tx: TxMessage): StatusChange[] {
  return tx.events.flatMap((e) => {
    if (e.module !== 'remittance' || e.type !== 'remittance_status') return [];
    const { id, status } = e.attributes;
    if (typeof id !== 'string' || typeof status !== 'string') return [];
    return [{ id: id.replaceAll('-', '').toLowerCase(), status, txId: tx.txId, height: tx.height }];
  });
}

export function applyChange(list: readonly Sent[], change: StatusChange, nowMs: number): Sent[] {
  return list.map((s) => {
    if (s.id !== change.id || finalStatuses.has(s.status)) return s;
    const done = finalStatuses.has(change.status) ? { doneAtMs: nowMs } : {};
    const height = Math.max(s.height ?? 0, change.height);
    return { ...s, status: change.status, height, ...done };
  });
}
