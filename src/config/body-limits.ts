import { ConfigError } from './env';
import type { HookflowConfig } from './sources';

/**
 * Every body a source may take must fit in the budget for all bodies together (MAX_BUFFERED_BODY_BYTES),
 * or a delivery at that source's limit would be answered 503 for ever.
 */
export function checkBodyLimits(config: HookflowConfig, bufferedBodyBytes: number): void {
  const problems = [...config.sources.values()]
    .filter((source) => source.maxBodyBytes > bufferedBodyBytes)
    .map(
      (source) =>
        `sources.${source.name}.maxBodyBytes: ${source.maxBodyBytes} is over MAX_BUFFERED_BODY_BYTES (${bufferedBodyBytes}); ` +
        'lower the one or raise the other',
    );
  if (problems.length > 0) throw new ConfigError(`Invalid config:\n${problems.join('\n')}`);
}
