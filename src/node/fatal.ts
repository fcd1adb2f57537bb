// The node's fatal stop, for when it can no longer keep its promises: a storage write failed (the
// disk is full, or the device failed) or a committed block could not be executed. It logs one fatal
// line, closes what can be closed and exits with a code that says why (README, Operations). Nothing
// it could not persist is voted for or reported final meanwhile: the store refuses every write after
// a failed one, a failed consensus-log save never resolves as saved, and the execution pipeline
// reports a block only once it is durable.
import { isStorageFailure } from '../storage/index.ts';

/** sysexits.h EX_TEMPFAIL: the disk filled; the node resumes from its folder once space is freed. */
export const exitCodeDiskFull = 75;
/** sysexits.h EX_IOERR: a storage write failed for another reason (the device, the filesystem). */
export const exitCodeStorageFailed = 74;
/** sysexits.h EX_SOFTWARE: a broken invariant, a bug. */
export const exitCodeBug = 70;
/** Closing after a failure waits at most this long; what is still open then, the exit closes. */
const closeTimeoutMs = 10_000;

export type FatalLog = {
  fatal(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
};

export type FatalStopDeps = {
  readonly log: FatalLog;
  /** The node's data folder, named in the disk-full line. */
  readonly dataDir: string;
  /** Closes the node's parts in reverse order of construction. */
  readonly close: () => Promise<void>;
  readonly exit: (code: number) => void;
};

/**
 * The storage failure behind `error`, if any: a part that meets the store after a failed write
 * reports its own error, whose cause chain leads to the write that failed (the state tree's
 * "reopen the tree", a consensus step reading that tree).
 */
function storageFailureIn(error: unknown): unknown {
  let cause = error;
  for (let depth = 0; depth < 8 && cause instanceof Error; depth++) {
    if (isStorageFailure(cause)) return cause;
    cause = cause.cause;
  }
  return undefined;
}

export class FatalStop {
  readonly #deps: FatalStopDeps;
  #stopping: Promise<void> | undefined;

  constructor(deps: FatalStopDeps) {
    this.#deps = deps;
  }

  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /**
   * Stops the node for `error` (`context` says what failed, for errors that are not storage
   * failures). Only the first call counts: other writers then meet the same failure. Resolves when
   * the node has closed, just before it exits.
   */
  stop(error: unknown, context = 'fatal error'): Promise<void> {
    if (this.#stopping === undefined) {
      this.#stopping = this.#closeThenExit(this.#report(error, context));
    }
    return this.#stopping;
  }

  #report(failure: unknown, context: string): number {
    const { log, dataDir } = this.#deps;
    const error = storageFailureIn(failure) ?? failure;
    if (isStorageFailure(error) && error.code === 'disk_full') {
      log.fatal(
        { code: error.code, dataDir, ...error.details, exitCode: exitCodeDiskFull },
        `disk full: ${dataDir}: free space needed; the node stopped without losing committed data and resumes from this folder when restarted with space free`,
      );
      return exitCodeDiskFull;
    }
    if (isStorageFailure(error)) {
      log.fatal(
        {
          code: error.code,
          dataDir,
          ...error.details,
          err: error,
          exitCode: exitCodeStorageFailed,
        },
        `storage write failed: ${dataDir}: the node stopped; check the disk, then restart it`,
      );
      return exitCodeStorageFailed;
    }
    log.fatal({ err: error, exitCode: exitCodeBug }, `${context}; stopping`);
    return exitCodeBug;
  }

  async #closeThenExit(code: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), closeTimeoutMs);
    });
    const closed = this.#deps.close().then(
      () => false,
      (error: unknown) => {
        this.#deps.log.warn({ err: error }, 'closing after a fatal error failed');
        return false;
      },
    );
    if (await Promise.race([closed, timedOut]))
      this.#deps.log.warn({ afterMs: closeTimeoutMs }, 'closing after a fatal error timed out');
    clearTimeout(timer);
    this.#deps.exit(code);
  }
}

/**
 * Closes the consensus driver, then lets the consensus log reject a save that failed meanwhile
 * (`releaseLog`): the driver, already closed, acts on nothing more and meets the error inside its
 * own close, which is where it belongs. Storage failures end there; anything else is rethrown.
 */
export async function closeConsensus(
  driver: { close(): Promise<void> },
  releaseLog: () => void,
): Promise<void> {
  const closed = driver.close();
  releaseLog();
  try {
    await closed;
  } catch (error) {
    if (!isStorageFailure(error)) throw error;
  }
}
