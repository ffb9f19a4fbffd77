import { InvalidArgumentError, type Command } from 'commander';
import { EVENT_STATUSES } from '../event/status';
import type { ResetPoint } from '../ops/runs';

/** Option parsers: a bad value stops the command with commander's message and exit code 2. */

export function positiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return value;
}

export function rate(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 1000) throw new InvalidArgumentError('expected operations per second, above 0 and at most 1000.');
  return value;
}

export function resetPoint(text: string): ResetPoint {
  if (text === 'first' || text === 'last') return text;
  if (/^\d{1,12}$/.test(text) && Number(text) > 0) return Number(text);
  throw new InvalidArgumentError('expected first, last or a history event ID.');
}

/** The options of an event filter, as commander hands them over. */
export interface FilterOptions {
  readonly source?: string;
  readonly status?: string;
  readonly type?: string;
  readonly since?: string;
  readonly until?: string;
  readonly key?: string;
}

export function addFilterOptions(command: Command): Command {
  return command
    .option('--source <name>', 'only events of this source')
    .option('--status <status>', `only events with this status (${EVENT_STATUSES.join(', ')}); expired ones are left out unless asked for`)
    .option('--type <type>', 'only events of this type; a trailing * matches a prefix (invoice.*)')
    .option('--since <time>', 'received at or after: ISO time, or a span back from now (15m, 2h, 7d)')
    .option('--until <time>', 'received before: ISO time, or a span back from now')
    .option('--key <value>', 'only events ordered under this ordering key (routes\' ordering.key)');
}
