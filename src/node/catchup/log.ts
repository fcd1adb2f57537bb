// The structured log catch-up writes to (a pino logger fits): fields first, then the message.
export type CatchupLog = {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};
