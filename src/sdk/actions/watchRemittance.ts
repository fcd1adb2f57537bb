// Status changes of remittances as they become final: watchEvents on the remittance module, keeping
// its `remittance_status` events (one per change; expiries arrive in the block-level receipt).

import { toHex } from '../../util/bytes.ts';
import { TallyError } from '../../util/errors.ts';
import type { Client } from '../client.ts';
import type { TxEventMessage } from '../events.ts';
import { readOptionalText, readText } from '../json.ts';
import { remittanceIdArg } from '../remittance.ts';
import { readReason, readRemittanceId } from '../remittance-json.ts';
import type { BytesLike } from '../types.ts';
import { watchEvents } from './watchEvents.ts';

export type RemittanceStatusEvent = {
  readonly id: string;
  readonly status: string;
  /** Absent on the first status (the send). */
  readonly previous?: string;
  readonly corridor: string;
  readonly sendingOrg: string;
  readonly receivingOrg: string;
  readonly reason?: { readonly code: string; readonly message?: string };
  readonly height: number;
  /** The transaction that made the change; all zeros for an expiry at the end of a block. */
  readonly txId: string;
  /** Resume a watch after this event with `cursor`. */
  readonly cursor: string;
};

export type WatchRemittanceParameters = {
  /** Only this remittance; every remittance the caller may see when left out. */
  id?: BytesLike | undefined;
  onStatus: (event: RemittanceStatusEvent) => void;
  onError?: ((error: TallyError) => void) | undefined;
  /** The last cursor already processed. Default: from now. */
  cursor?: string | undefined;
};

/** Stops the watch. */
export type WatchRemittanceReturnType = () => void;

function statusEvents(message: TxEventMessage, id: string | undefined): RemittanceStatusEvent[] {
  const out: RemittanceStatusEvent[] = [];
  message.events.forEach((event, i) => {
    if (event.module !== 'remittance' || event.type !== 'remittance_status') return;
    const a = event.attributes;
    const f = `events[${i}].attributes`;
    const eventId = readRemittanceId(a.id, `${f}.id`);
    if (id !== undefined && eventId !== id) return;
    const previous = readOptionalText(a.previous ?? undefined, `${f}.previous`);
    const reason = readReason(a.reason, `${f}.reason`);
    out.push(
      Object.freeze({
        id: eventId,
        status: readText(a.status, `${f}.status`),
        ...(previous === undefined ? {} : { previous }),
        corridor: readText(a.corridor, `${f}.corridor`),
        sendingOrg: readText(a.sendingOrg, `${f}.sendingOrg`),
        receivingOrg: readText(a.receivingOrg, `${f}.receivingOrg`),
        ...(reason === undefined ? {} : { reason }),
        height: message.height,
        txId: message.txId,
        cursor: message.cursor,
      }),
    );
  });
  return out;
}

/**
 * Calls `onStatus` for each status change, in chain order, once (resumes after a disconnect).
 *
 * @example
 * const unwatch = watchRemittance(client, { id: uetr, onStatus: (e) => {
 *   console.log(e.status);
 *   if (e.status !== 'pending' && e.status !== 'held') unwatch();
 * } });
 */
export function watchRemittance(
  client: Client,
  params: WatchRemittanceParameters,
): WatchRemittanceReturnType {
  if (typeof params.onStatus !== 'function') throw new TypeError('onStatus: expected a function');
  const id = params.id === undefined ? undefined : toHex(remittanceIdArg(params.id));
  return watchEvents(client, {
    types: ['tx'],
    module: 'remittance',
    cursor: params.cursor,
    onError: params.onError,
    onEvent: (message) => {
      if (message.type !== 'tx') return;
      let events: RemittanceStatusEvent[];
      try {
        events = statusEvents(message, id);
      } catch (error) {
        // An event off the contract is reported, not thrown into the socket's handler.
        if (!(error instanceof TallyError)) throw error;
        params.onError?.(error);
        return;
      }
      for (const event of events) params.onStatus(event);
    },
  });
}
