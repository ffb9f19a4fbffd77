import { Command } from 'commander';
import { listEvents, parseEventFilter, parseLimit, showEvent, type EventDetails, type EventView } from '../ops/events';
import { addFilterOptions, type FilterOptions } from './arguments';
import { printJson, printLines, table, time } from './format';
import { withSession } from './session';

const MAX_LIST = 10_000;

interface ListOptions extends FilterOptions {
  readonly limit?: string;
  readonly json?: boolean;
}

interface ShowOptions {
  readonly body?: boolean;
  readonly query: boolean;
  readonly json?: boolean;
}

/** `hookflow events list|show`: read-only views of the stored events. */
export function eventsCommand(): Command {
  const events = new Command('events').description('list and inspect stored webhook events');

  addFilterOptions(events.command('list').description('stored events, newest first'))
    .option('--limit <n>', `at most this many (1 to ${MAX_LIST})`, '50')
    .option('--json', 'print JSON for scripts')
    .action(async (options: ListOptions, command: Command) => {
      const query = parseEventFilter(options);
      const limit = parseLimit(options.limit, 50, MAX_LIST);
      const found = await withSession(command, (session) => listEvents(session.ops, query, limit));
      if (options.json) return printJson(found);
      printLines(
        table(
          ['ID', 'STATUS', 'TYPE', 'RECEIVED', 'RUN'],
          found.map((e) => [e._id, e.status, e.eventType ?? '-', time(e.receivedAt), e.runId ?? '-']),
        ),
      );
    });

  events
    .command('show')
    .description('one event: stored fields, status history, operator actions, its run in Temporal')
    .argument('<id>', 'the event ID as listed: <source>:<eventId>')
    .option('--body', 'also print the raw body and the received headers')
    .option('--no-query', "do not ask an open run's worker for its status")
    .option('--json', 'print JSON for scripts')
    .action(async (id: string, options: ShowOptions, command: Command) => {
      const details = await withSession(command, (session) =>
        showEvent(session.ops, id, { body: options.body === true, query: options.query }),
      );
      if (options.json) return printJson(details);
      printLines(describeDetails(details));
    });

  return events;
}

const SHOWN_FIELDS = new Set([
  '_id', 'source', 'provider', 'eventId', 'eventType', 'status', 'statusHistory', 'receivedAt',
  'contentType', 'bodySha256', 'workflowId', 'runId', 'expiredAt',
]);

const label = (name: string): string => name.padEnd(12);

/** The body and the status history, or for an expired event what retention kept instead. */
function payloadLines(event: EventView, bodyShown: boolean): string[] {
  if (event.status === 'expired') {
    return [
      `${label('Expired')}${time(event.expiredAt)}: retention kept only the ID and the body hash, so redeliveries stay duplicates`,
      `${label('Body')}not kept, sha256 ${event.bodySha256}`,
    ];
  }
  return [
    `${label('Body')}${event.contentType}, sha256 ${event.bodySha256}${bodyShown ? '' : ' (--body prints it)'}`,
    ...event.statusHistory.map((change, i) =>
      `${label(i === 0 ? 'History' : '')}${time(change.at)} ${change.status}${change.note ? ` (${change.note})` : ''}`,
    ),
  ];
}

function describeDetails(details: EventDetails): string[] {
  const { event, workflow } = details;
  const lines = [
    `${label('Event')}${event._id}`,
    `${label('Source')}${event.source} (${event.provider})`,
    `${label('Type')}${event.eventType ?? '-'}`,
    `${label('Status')}${event.status}`,
    `${label('Received')}${time(event.receivedAt)}`,
    ...payloadLines(event, details.body !== undefined),
    ...details.attempts.map((a, i) =>
      `${label(i === 0 ? 'Attempts' : '')}${time(a.startedAt)} ${a.handler} #${a.attempt} ${a.outcome}${a.httpStatus === undefined ? '' : ` HTTP ${a.httpStatus}`} in ${a.durationMs} ms${a.error ? `: ${a.error}` : ''}`,
    ),
    ...details.operatorActions.map((a, i) =>
      `${label(i === 0 ? 'Operators' : '')}${time(a.at)} ${a.action} by ${a.by}${a.runId ? ` -> run ${a.runId}` : ''}${a.note ? ` (${a.note})` : ''}`,
    ),
    // Fields a newer version stores (handler attempts, ...) are shown as they are.
    ...Object.entries(event)
      .filter(([key]) => !SHOWN_FIELDS.has(key))
      .map(([key, value]) => `${label(key)}${JSON.stringify(value)}`),
    workflow
      ? `${label('Workflow')}${workflow.status}, run ${workflow.runId}, ${workflow.historyLength} history events, started ${time(workflow.startTime)}${workflow.closeTime ? `, closed ${time(workflow.closeTime)}` : ''}`
      : `${label('Workflow')}none in Temporal (not started yet, or past the namespace's retention)`,
    ...(workflow?.state === undefined ? [] : [`${label('State')}${JSON.stringify(workflow.state)}`]),
    `${label('Temporal UI')}${details.temporalUi}`,
  ];
  if (details.body) {
    lines.push('', 'Headers', ...(details.headers ?? []).map((h) => `  ${h.name}: ${h.value}`));
    lines.push('', `Body (${details.body.bytes} bytes, ${details.body.encoding})`, ...details.body.text.split(/\r?\n/));
  }
  return lines;
}
