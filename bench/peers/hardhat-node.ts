// Starts Hardhat's development network (hardhat 2.x, EDR engine) as a separate process on a free
// loopback port, from a minimal config in a temporary folder, with the bench's senders funded in
// its genesis; stops it and deletes the folder on close.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TallyError } from '../../src/util/errors.ts';
import { guardExit } from './exit-guard.ts';

export const evmChainId = 31337;
const startTimeoutMs = 120_000;
const stopTimeoutMs = 10_000;
const outputKeptChars = 4000;
const projectRoot = join(import.meta.dirname, '..', '..');

export type FundedAccount = { readonly privateKey: `0x${string}`; readonly balanceWei: bigint };

export type HardhatNode = {
  readonly url: string;
  readonly pid: number;
  close(): Promise<void>;
};

/** The path of Hardhat's CLI entry, or a TallyError saying how to install it. */
function hardhatCli(): string {
  try {
    return createRequire(import.meta.url).resolve('hardhat/internal/cli/bootstrap.js');
  } catch (error) {
    throw new TallyError(
      'bench_peer_unavailable',
      'hardhat is not installed (it is a devDependency: run `npm install`)',
      { cause: error },
    );
  }
}

/** A CommonJS config: automine (a block per transaction, as a dev chain runs), no request logging. */
export function hardhatConfigSource(accounts: readonly FundedAccount[]): string {
  const config = {
    networks: {
      hardhat: {
        chainId: evmChainId,
        loggingEnabled: false,
        mining: { auto: true, interval: 0 },
        accounts: accounts.map((a) => ({
          privateKey: a.privateKey,
          balance: a.balanceWei.toString(),
        })),
      },
    },
  };
  return `module.exports = ${JSON.stringify(config)};\n`;
}

function waitForUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('did not start in time'), startTimeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(
        new TallyError('bench_peer_start_failed', `hardhat node ${why}:\n${output()}`, {
          details: { peer: 'hardhat' },
        }),
      );
    };
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
    child.once('error', (error) => fail(error.message));
    child.stdout?.on('data', () => {
      const match = /JSON-RPC server at (http:\/\/[0-9.]+:\d+)/.exec(output());
      if (match === null) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve(match[1]!);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts `hardhat node` with `accounts` funded; rejects with the process's output if it fails. */
export async function startHardhatNode(accounts: readonly FundedAccount[]): Promise<HardhatNode> {
  const cli = hardhatCli();
  const dir = mkdtempSync(join(tmpdir(), 'tally-hardhat-'));
  const config = join(dir, 'hardhat.config.cjs');
  writeFileSync(config, hardhatConfigSource(accounts));
  const args = [cli, 'node', '--hostname', '127.0.0.1', '--port', '0', '--config', config];
  const child = spawn(process.execPath, args, {
    // Hardhat refuses to run unless it resolves from its working directory: the project root.
    cwd: projectRoot,
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-outputKeptChars);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const release = guardExit(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const close = async () => {
    await stopChild(child);
    release();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await waitForUrl(child, () => output);
    return { url, pid: child.pid!, close };
  } catch (error) {
    await close();
    throw error;
  }
}
