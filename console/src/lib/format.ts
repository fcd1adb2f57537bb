// How the console writes numbers, money, hashes and times: minor units as decimals (never floats near
// money), hex shortened in the middle, times in the viewer's locale.

/** 123456n with 2 decimals is "1,234.56". */
export function formatMinor(amount: bigint, decimals = 2): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = decimals > 0 ? `.${digits.slice(digits.length - decimals)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export function formatMoney(amount: bigint, currency: string, decimals = 2): string {
  return `${currency} ${formatMinor(amount, decimals)}`;
}

/** "12.34" in a currency with 2 decimals is 1234n; undefined for anything else. */
export function parseMinor(text: string, decimals = 2): bigint | undefined {
  const match = /^\s*(\d{1,15})(?:\.(\d+))?\s*$/.exec(text);
  if (match === null) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return undefined;
  return BigInt(match[1]! + fraction.padEnd(decimals, '0'));
}

export function shortHex(hex: string, keep = 8): string {
  return hex.length <= keep * 2 + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-4)}`;
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}

export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString();
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A message from anything thrown, for the page. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
