// Signed requests that change something (POST) are accepted once: a request captured in transit
// and sent again within the clock-skew window is refused as `replayed`. A signature is remembered
// until its timestamp is stale anyway; the memory is bounded, and under a flood beyond it the oldest
// signatures are forgotten first (they are the nearest to going stale).

/** Signatures remembered at most; about 30 MiB at 64-byte Ed25519 signatures in hex. */
export const seenSignaturesMax = 200_000;

export class SeenSignatures {
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly skewMsMax: number,
    private readonly entriesMax = seenSignaturesMax,
  ) {}

  /** True the first time a signature is offered (and remembers it), false for a replay. */
  first(signatureHex: string, tsMs: number, nowMs: number): boolean {
    this.#forgetStale(nowMs);
    if (this.#seen.has(signatureHex)) return false;
    this.#seen.set(signatureHex, tsMs);
    if (this.#seen.size > this.entriesMax) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Arrival order is close to timestamp order (both within the skew): stop at the first fresh one. */
  #forgetStale(nowMs: number): void {
    for (const [sig, ts] of this.#seen) {
      if (nowMs - ts <= this.skewMsMax) break;
      this.#seen.delete(sig);
    }
  }
}
