// The `scale` benchmark group (issue #6 item 5): durable transfer throughput and bytes on disk with
// 10k, 1M and 10M accounts in state. TALLY_BENCH_SCALE picks the sizes, e.g. `10k,1M`.
import { TallyError } from '../../src/util/errors.ts';
import type { Step } from '../lib/report.ts';

export const scaleSizesDefault = '10k,1M,10M';
/** At the ~700 bytes an account measured at 1M, this much already needs about 70 GB of disk. */
export const scaleAccountsMax = 100_000_000;
/** BankWorkload draws two distinct accounts per transfer. */
const scaleAccountsMin = 2;

const multipliers: Record<string, number> = { '': 1, k: 1_000, m: 1_000_000 };

/** `10k` -> 10,000; `1M` -> 1,000,000; `250000` -> 250,000. */
export function parseScaleSizes(text: string): number[] {
  return text.split(',').map((raw) => {
    const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(raw.trim());
    const accounts =
      match === null ? Number.NaN : Number(match[1]) * multipliers[match[2]!.toLowerCase()]!;
    if (
      !Number.isSafeInteger(accounts) ||
      accounts < scaleAccountsMin ||
      accounts > scaleAccountsMax
    ) {
      throw new TallyError(
        'bench_scale_invalid',
        `TALLY_BENCH_SCALE: '${raw}' is not a number of accounts from ${scaleAccountsMin} to ${scaleAccountsMax.toLocaleString('en-US')} (write e.g. 10k,1M,10M)`,
        { details: { value: text } },
      );
    }
    return accounts;
  });
}

/** 10000 -> '10k', 1000000 -> '1M', 2500000 -> '2.5M': the names results are compared by. */
export function formatScaleSize(accounts: number): string {
  if (accounts >= 1_000_000 && accounts % 100_000 === 0) return `${accounts / 1_000_000}M`;
  if (accounts >= 1_000 && accounts % 100 === 0) return `${accounts / 1_000}k`;
  return String(accounts);
}

export function scaleSteps(): Step[] {
  const sizes = parseScaleSizes(process.env.TALLY_BENCH_SCALE ?? scaleSizesDefault);
  return sizes.map((accounts) => {
    const label = formatScaleSize(accounts);
    return {
      label: `${label} accounts`,
      run: async (report, progress) => {
        const { benchScale } = await import('./bench.ts');
        await benchScale(accounts, label, report, progress);
      },
    };
  });
}
