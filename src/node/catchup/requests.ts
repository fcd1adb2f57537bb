// Requests this node sends to peers over the sync protocol (src/node/sync/messages.ts), and the
// answers: one outstanding request per peer and answer type, matched by a predicate, given up after a
// timeout. An answer nobody waits for (late, unasked, or for another request) is dropped.
import { encodeSyncMessage, type SyncMessage } from '../sync/messages.ts';

export type SyncAnswer = Extract<
  SyncMessage,
  { type: 'blocks-response' | 'snapshot-offer' | 'snapshot-chunk' | 'tx-ids' | 'epochs' }
>;
export type SyncAsk = Exclude<SyncMessage, SyncAnswer>;
export type SyncAnswerType = SyncAnswer['type'];
export type AnswerOf<T extends SyncAnswerType> = Extract<SyncAnswer, { type: T }>;

const answerTypes: ReadonlySet<string> = new Set<SyncAnswerType>([
  'blocks-response',
  'snapshot-offer',
  'snapshot-chunk',
  'tx-ids',
  'epochs',
]);

export function isSyncAnswer(message: SyncMessage): message is SyncAnswer {
  return answerTypes.has(message.type);
}

export type SyncRequestsDeps = {
  /** Sends one encoded sync message to a peer; false when it could not be queued. */
  readonly send: (nodeId: string, body: Uint8Array) => boolean;
};

type Waiter = {
  readonly matches: (answer: SyncAnswer) => boolean;
  readonly resolve: (answer: SyncAnswer | undefined) => void;
};

export class SyncRequests {
  readonly #deps: SyncRequestsDeps;
  readonly #waiters = new Map<string, Waiter>();
  #closed = false;

  constructor(deps: SyncRequestsDeps) {
    this.#deps = deps;
  }

  /** Requests still waiting for an answer. */
  get pending(): number {
    return this.#waiters.size;
  }

  /**
   * Sends `ask` to `nodeId` and resolves with the first answer of type `type` that `matches`, or
   * undefined after `timeoutMs`, when the peer is not connected, or once closed. A newer request of
   * the same type to the same peer replaces this one (which resolves undefined).
   */
  request<T extends SyncAnswerType>(
    nodeId: string,
    ask: SyncAsk,
    type: T,
    timeoutMs: number,
    matches: (answer: AnswerOf<T>) => boolean = () => true,
  ): Promise<AnswerOf<T> | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    const key = waiterKey(nodeId, type);
    this.#waiters.get(key)?.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        matches: (answer) => answer.type === type && matches(answer as AnswerOf<T>),
        resolve: (answer) => {
          clearTimeout(timer);
          if (this.#waiters.get(key) === waiter) this.#waiters.delete(key);
          resolve(answer as AnswerOf<T> | undefined);
        },
      };
      const timer = setTimeout(() => waiter.resolve(undefined), timeoutMs);
      this.#waiters.set(key, waiter);
      if (!this.#deps.send(nodeId, encodeSyncMessage(ask))) waiter.resolve(undefined);
    });
  }

  /** Hands an answer from `nodeId` to the request waiting for it; false when none was. */
  deliver(nodeId: string, answer: SyncAnswer): boolean {
    const waiter = this.#waiters.get(waiterKey(nodeId, answer.type));
    if (waiter === undefined || !waiter.matches(answer)) return false;
    waiter.resolve(answer);
    return true;
  }

  /** Resolves every waiting request with undefined; later requests resolve undefined at once. */
  close(): void {
    this.#closed = true;
    for (const waiter of [...this.#waiters.values()]) waiter.resolve(undefined);
  }
}

function waiterKey(nodeId: string, type: SyncAnswerType): string {
  return `${type} ${nodeId}`;
}
