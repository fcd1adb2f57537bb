// What a failed LMDB write means: a full disk becomes a `disk_full` TallyError, anything else a
// `storage_write_failed` one; both name the store's path. A full disk shows up as ENOSPC, EDQUOT or
// EFBIG, as MDB_MAP_FULL (lmdb.h), or as EIO: LMDB reports a write the filesystem took only part of
// as EIO (mdb.c, mdb_page_flush: "short write, filesystem full?"), so EIO on a filesystem with
// almost no space left counts as full.
import { existsSync, statfsSync } from 'node:fs';
import { getSystemErrorName } from 'node:util';
import { TallyError } from '../util/errors.ts';

/** lmdb.h's codes that a write can fail with (lmdb-js passes them on as negative numbers). */
const lmdbCodeNames = new Map([
  [-30792, 'MDB_MAP_FULL'],
  [-30795, 'MDB_PANIC'],
]);
const spaceErrnoNames = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'MDB_MAP_FULL']);
/**
 * A short write leaves less free space than it tried to write; LMDB also copies the pages a
 * transaction touches, so a transaction takes more room than its values. Below this much beyond
 * twice the values' bytes, an EIO is a full disk.
 */
const shortWriteSlackBytes = 4 * 1024 * 1024;
/**
 * Free space a store leaves on its filesystem unless told otherwise: more than the largest commit
 * (a block of a few thousand transactions writes a few MiB of pages), with room to spare for the
 * node's log and an operator's shell.
 */
export const diskReserveBytesDefault = 64 * 1024 * 1024;
/** lmdb-js hands the underlying error over in a promise; it settles in the same turn. */
const causeWaitMs = 1000;

export const diskFullCode = 'disk_full';
export const storageWriteFailedCode = 'storage_write_failed';

/** True for the errors a store rejects writes with once a write failed. */
export function isStorageFailure(error: unknown): error is TallyError {
  return (
    error instanceof TallyError &&
    (error.code === diskFullCode || error.code === storageWriteFailedCode)
  );
}

/** Turns a failed commit of `bytes` bytes of keys and values into the TallyError callers see. */
export async function describeWriteFailure(
  error: unknown,
  path: string,
  bytes: number,
): Promise<TallyError> {
  if (isStorageFailure(error)) return error;
  const cause = await underlyingError(error);
  const errno = errnoName(cause);
  const freeBytes = freeBytesAt(path);
  const details = { path, errno, freeBytes, bytes };
  const shortWrite =
    errno === 'EIO' && freeBytes !== undefined && freeBytes < 2 * bytes + shortWriteSlackBytes;
  if ((errno !== undefined && spaceErrnoNames.has(errno)) || shortWrite) {
    const free = freeBytes === undefined ? 'free space unknown' : `${freeBytes} bytes free`;
    return new TallyError(
      diskFullCode,
      `disk full: ${path}: no room for a write of ${bytes} bytes (${errno}, ${free})`,
      { details, cause },
    );
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TallyError(storageWriteFailedCode, `storage write failed: ${path}: ${reason}`, {
    details,
    cause,
  });
}

/**
 * A `disk_full` error when a write of `bytes` bytes would leave less than `reserveBytes` free at
 * `path` (LMDB copies the pages a write touches, so it counts twice); undefined when there is room,
 * when the reserve is 0 or when the free space cannot be read.
 */
export function reserveShortfall(
  path: string,
  reserveBytes: number,
  bytes: number,
): TallyError | undefined {
  if (reserveBytes === 0) return undefined;
  const freeBytes = freeBytesAt(path);
  if (freeBytes === undefined || freeBytes >= reserveBytes + 2 * bytes) return undefined;
  return new TallyError(
    diskFullCode,
    `disk full: ${path}: ${freeBytes} bytes free, below the ${reserveBytes}-byte reserve the store keeps (a write of ${bytes} bytes was refused before it began)`,
    { details: { path, freeBytes, bytes, reserveBytes } },
  );
}

/**
 * LMDB writes its lock file through a shared memory map: created on a full disk, its first write
 * would be SIGBUS, not an error. A store whose lock file is missing needs this much free space.
 */
export const lockFileFreeBytesMin = 1024 * 1024;

/** Throws `disk_full` when a store at `path` would have to create its lock file without room. */
export function assertRoomForLockFile(path: string, lockFile: string): void {
  if (existsSync(lockFile)) return;
  const freeBytes = freeBytesAt(path);
  if (freeBytes === undefined || freeBytes >= lockFileFreeBytesMin) return;
  throw new TallyError(
    diskFullCode,
    `disk full: ${path}: ${freeBytes} bytes free, too few to create the store's files (${lockFileFreeBytesMin} needed)`,
    { details: { path, freeBytes, bytes: lockFileFreeBytesMin } },
  );
}

/** lmdb-js rejects a failed commit with "Commit failed" and the real error in `commitError`. */
async function underlyingError(error: unknown): Promise<unknown> {
  const commitError = (error as { commitError?: unknown } | null)?.commitError;
  if (!(commitError instanceof Promise)) return error;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<unknown>((resolve) => {
    timer = setTimeout(() => resolve(error), causeWaitMs);
  });
  const cause = await Promise.race([
    commitError.then(
      () => error,
      (real: unknown) => real,
    ),
    late,
  ]);
  clearTimeout(timer);
  return cause;
}

/** 'ENOSPC', 'EIO', 'MDB_MAP_FULL', ...: from Node's string codes or lmdb-js's numeric ones. */
function errnoName(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  if (typeof code !== 'number' || !Number.isInteger(code)) return undefined;
  const lmdb = lmdbCodeNames.get(code);
  if (lmdb !== undefined) return lmdb;
  if (code <= 0) return String(code);
  try {
    return getSystemErrorName(-code);
  } catch {
    return String(code);
  }
}

/** Bytes an unprivileged writer may still use on the filesystem holding `path`. */
export function freeBytesAt(path: string): number | undefined {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}
