import type { BacklogChange, BreakerChange, Digest } from './digest';

/*
 * One batch of alerts as each kind of notifier receives it. Built from a digest (names, counts, IDs,
 * times) and links: nothing of an event's payload or headers, no secret, can be in it.
 */

export interface AlertLinks {
  /** The Temporal UI's list of parked runs (WebhookStatus = "failed"). */
  readonly failedRuns: string;
  /** The same list from the CLI. */
  readonly failedEventsCommand: string;
}

/** The Temporal UI's workflow list filtered by a visibility query. */
export function failedRunsLink(uiBaseUrl: string, namespace: string): string {
  const query = encodeURIComponent('WebhookStatus = "failed"');
  return `${uiBaseUrl}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${query}`;
}

export function alertLinks(uiBaseUrl: string, namespace: string): AlertLinks {
  return { failedRuns: failedRunsLink(uiBaseUrl, namespace), failedEventsCommand: 'hookflow events list --status failed' };
}

/** The JSON body of a `webhook` notifier's message, `type: "hookflow.alerts"`. */
export function webhookMessage(notifier: string, digest: Digest, links: AlertLinks): Record<string, unknown> {
  return {
    type: 'hookflow.alerts',
    notifier,
    from: digest.from,
    to: digest.to,
    parked: { ...digest.parked, link: links.failedRuns, command: links.failedEventsCommand },
    breakers: digest.breakers,
    backlog: digest.backlog,
    omitted: digest.omitted,
  };
}

/** A Slack incoming webhook's body: `text` in Slack's mrkdwn, one line per fact. */
export function slackMessage(digest: Digest, links: AlertLinks): { text: string } {
  const lines: string[] = [];
  const { parked } = digest;
  if (parked.count > 0) {
    const sources = Object.entries(parked.bySource).map(([name, n]) => `${escape(name)} ${n}`).join(', ');
    const handlers = Object.entries(parked.byHandler).map(([name, n]) => `${escape(name)} ${n}`).join(', ');
    lines.push(`:warning: *${parked.count} event${parked.count === 1 ? '' : 's'} parked*, waiting for an operator (sources: ${sources}; handlers: ${handlers || '-'})`);
    lines.push(`<${links.failedRuns}|Parked runs in the Temporal UI> or \`${links.failedEventsCommand}\``);
  }
  for (const change of digest.breakers) lines.push(breakerLine(change));
  for (const change of digest.backlog) lines.push(backlogLine(change));
  if (digest.omitted > 0) lines.push(`(${digest.omitted} more changes left out)`);
  return { text: `*hookflow alerts* ${digest.from} - ${digest.to}\n${lines.join('\n')}` };
}

function breakerLine(change: BreakerChange): string {
  const icon = change.state === 'opened' ? ':red_circle:' : ':large_green_circle:';
  const reason = change.reason === undefined ? '' : `: ${escape(change.reason)}`;
  return `${icon} breaker of handler *${escape(change.handler)}* ${change.state} at ${change.at}${reason}`;
}

function backlogLine(change: BacklogChange): string {
  const icon = change.state === 'exceeded' ? ':chart_with_upwards_trend:' : ':white_check_mark:';
  const verb = change.state === 'exceeded' ? 'passed' : 'back under';
  return `${icon} ${escape(change.scope)} ${change.measure} ${verb} ${change.threshold} (${change.value}) at ${change.at}`;
}

/** Slack's three control characters in mrkdwn text. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
