// Turns a node's log lines (pino JSON, one object a line) into one readable line each for the
// terminal: `[hk-wallet-1] committed height=12 txs=3`. Lines that are not JSON pass through as they are.

export const logLineLengthMax = 2000;

const levelNames: ReadonlyMap<number, string> = new Map([
  [10, 'TRACE'],
  [20, 'DEBUG'],
  [40, 'WARN'],
  [50, 'ERROR'],
  [60, 'FATAL'],
]);

// Fields every line carries, or that the prefix already says ('node': the node that logs).
const hiddenFields = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v', 'node', 'part']);

const ansiColors = [36, 33, 35, 32, 34, 31, 96, 93] as const;

export type LogPrefix = { readonly label: string; readonly color?: number };

/** The prefix for the i-th node; coloured only where the caller decided the terminal wants it. */
export function createLogPrefix(label: string, index: number, color: boolean): LogPrefix {
  return color ? { label, color: ansiColors[index % ansiColors.length]! } : { label };
}

function renderPrefix(prefix: LogPrefix): string {
  const text = `[${prefix.label}]`;
  return prefix.color === undefined ? text : `\u001b[${prefix.color}m${text}\u001b[0m`;
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null && 'message' in value) {
    // pino's error serialiser: the message says enough on one line; the stack stays in node.log.
    return JSON.stringify(String((value as { message: unknown }).message));
  }
  return JSON.stringify(value) ?? String(value);
}

function parseObject(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** One log line from a node, made readable and prefixed with the node's name. */
export function formatLogLine(prefix: LogPrefix, line: string): string {
  const record = parseObject(line.trim());
  let body: string;
  if (record === undefined) {
    body = line.trimEnd();
  } else {
    const level = typeof record.level === 'number' ? levelNames.get(record.level) : undefined;
    const fields = Object.entries(record)
      .filter(([key]) => !hiddenFields.has(key))
      .map(([key, value]) => `${key}=${renderValue(value)}`);
    const msg = typeof record.msg === 'string' ? record.msg : '';
    // The node's child loggers name their part (p2p, consensus, api): it reads best before the message.
    const part = typeof record.part === 'string' ? `${record.part}:` : undefined;
    body = [level, part, msg, ...fields]
      .filter((part) => part !== undefined && part !== '')
      .join(' ');
  }
  if (body.length > logLineLengthMax) body = `${body.slice(0, logLineLengthMax)}...`;
  return `${renderPrefix(prefix)} ${body}`;
}
