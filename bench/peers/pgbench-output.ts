// Reading what pgbench prints (its summary on stdout) and logs (`--log`: one line per transaction,
// "client_id transaction_no time script_no time_epoch time_us [...]", time in microseconds; see
// the PostgreSQL manual, pgbench, "Per-Transaction Logging").
import { TallyError } from '../../src/util/errors.ts';

export type PgbenchSummary = {
  readonly clients: number;
  readonly transactions: number;
  /** Failed transactions (serialization or deadlock), when this pgbench version reports them. */
  readonly failed: number;
  readonly latencyAverageMs: number;
  /** Transactions per second, without the initial connection time. */
  readonly tps: number;
};

function numberAfter(text: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(text);
  const value = match === null ? Number.NaN : Number(match[1]);
  if (!Number.isFinite(value))
    throw new TallyError('bench_pgbench_output', `pgbench output has no ${what}`, {
      details: { output: text.slice(0, 2000) },
    });
  return value;
}

/** The figures of a pgbench run from its standard output. */
export function parsePgbenchSummary(stdout: string): PgbenchSummary {
  const failed = /^number of failed transactions: (\d+)/m.exec(stdout);
  return {
    clients: numberAfter(stdout, /^number of clients: (\d+)$/m, 'client count'),
    transactions: numberAfter(
      stdout,
      /^number of transactions actually processed: (\d+)/m,
      'transaction count',
    ),
    failed: failed === null ? 0 : Number(failed[1]),
    latencyAverageMs: numberAfter(stdout, /^latency average = ([\d.]+) ms$/m, 'average latency'),
    tps: numberAfter(stdout, /^tps = ([\d.]+) \(without initial connection time\)$/m, 'tps'),
  };
}

/**
 * Latencies in ms of the transactions in a `--log` file's text. Lines whose time is not a number
 * (pgbench writes `failed`, `skipped` or `serialization` there for those) are left out.
 */
export function parsePgbenchLog(text: string): number[] {
  const latenciesMs: number[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6) continue;
    const micros = Number(fields[2]);
    if (Number.isFinite(micros)) latenciesMs.push(micros / 1000);
  }
  return latenciesMs;
}
