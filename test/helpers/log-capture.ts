import pino, { type Logger } from 'pino';

export interface LogCapture {
  readonly logger: Logger;
  /** Every line written so far, as written. */
  text(): string;
  /** The lines parsed as pino's JSON records. */
  records(): Record<string, unknown>[];
}

/**
 * A pino logger at `level` that keeps what it writes in memory. No redaction: a test that reads it
 * sees what the code itself chose to log.
 */
export function captureLogs(level: string): LogCapture {
  const chunks: string[] = [];
  const logger = pino({ level }, { write: (chunk: string) => void chunks.push(chunk) });
  const text = (): string => chunks.join('');
  return {
    logger,
    text,
    records: () =>
      text()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
