// A small tmpfs for disk-full tests: mounting needs root (CI runs as root); elsewhere the tests that
// need one skip, saying why. Sizes are whole kibibytes; `resize` stands for space coming back.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Tmpfs = {
  readonly path: string;
  /** Grows or shrinks the filesystem in place (`mount -o remount,size=`); files stay. */
  resize(sizeBytes: number): void;
  /** Unmounts (lazily, should a process still hold a file) and removes the mount point. */
  close(): void;
};

function sizeOption(sizeBytes: number): string {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 4096)
    throw new RangeError('tmpfs size: expected at least 4096 bytes');
  return `size=${Math.ceil(sizeBytes / 1024)}k`;
}

function run(args: readonly string[]): void {
  execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Mounts a fresh tmpfs of `sizeBytes` on `path` (or on a new folder under the temp dir). */
export function mountTmpfs(sizeBytes: number, path?: string): Tmpfs {
  const where = path ?? mkdtempSync(join(tmpdir(), 'tally-tmpfs-'));
  const ownFolder = path === undefined;
  try {
    run(['mount', '-t', 'tmpfs', '-o', sizeOption(sizeBytes), 'tmpfs', where]);
  } catch (error) {
    if (ownFolder) rmSync(where, { recursive: true, force: true });
    throw error;
  }
  let mounted = true;
  return {
    path: where,
    resize(size) {
      run(['mount', '-o', `remount,${sizeOption(size)}`, where]);
    },
    close() {
      if (mounted) run(['umount', '-l', where]);
      mounted = false;
      if (ownFolder) rmSync(where, { recursive: true, force: true });
    },
  };
}

/** Why tmpfs tests cannot run here, or undefined when they can (a probe mount succeeded). */
export function tmpfsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `tmpfs mounts need Linux (this is ${process.platform})`;
  try {
    mountTmpfs(64 * 1024).close();
    return undefined;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    const uid = process.getuid?.();
    return `mounting a tmpfs is not permitted here (uid ${uid}${stderr === '' ? '' : `: ${stderr}`}); these tests need root, as in CI`;
  }
}

/** Bytes an unprivileged writer may still use on the filesystem holding `path`. */
export function freeBytes(path: string): number {
  const stats = statfsSync(path);
  return stats.bavail * stats.bsize;
}

/**
 * Appends to `file` until its filesystem refuses a write for lack of space (a short write is
 * followed by another, which then fails), or, given `leaveBytes`, until no more than that is free;
 * returns the bytes added. Call again to take space that was freed since.
 */
export function fill(file: string, leaveBytes = 0): number {
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  let written = 0;
  const fd = openSync(file, 'a');
  try {
    for (;;) {
      // Whole 4 KiB blocks: what tmpfs and most filesystems allocate in.
      const room = leaveBytes === 0 ? chunk.length : freeBytes(file) - leaveBytes;
      const size = Math.min(chunk.length, room - (room % 4096));
      if (size <= 0) return written;
      try {
        written += writeSync(fd, chunk, 0, size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return written;
        throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}
