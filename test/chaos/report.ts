import type { ChaosReport } from './run-chaos';

/** The report as a person reads it. */
export function formatReport(r: ChaosReport): string {
  const kinds = new Map<string, number>();
  for (const f of r.faults) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const faultSummary = [...kinds].map(([kind, n]) => `${kind} x${n}`).join(', ');
  const rows: [string, string][] = [
    ['setup', `${r.setup.temporal} Temporal, ${r.setup.receivers} receiver(s), ${r.setup.workers} worker(s)`],
    ['events sent', String(r.sent)],
    ['requests', `${r.requests} (${r.retriedAnswers} answered 5xx or failed, then retried)`],
    ['answers', Object.entries(r.answers).map(([status, n]) => `${status === '0' ? 'no answer' : status}: ${n}`).join(', ')],
    ['acknowledged (2xx)', String(r.acknowledged)],
    ['not acknowledged', String(r.unacknowledged)],
    ['refused (4xx)', String(r.refused)],
    ['processed exactly once', `${r.processed} (acknowledged, or stored before the sender gave up)`],
    ['duplicates suppressed', `${r.duplicatesSuppressedByReceiver + r.duplicatesSuppressedByDestination} (receiver: ${r.duplicatesSuppressedByReceiver} answered 200 duplicate; destination: ${r.duplicatesSuppressedByDestination} repeated Idempotency-Key)`],
    ['destination requests', `${r.destinationRequests} (${r.destinationRefused} refused)`],
    ['faults injected', `${r.faults.length}: ${faultSummary}`],
    ...r.faults.map((f): [string, string] => [`  ${f.kind}`, `at ${(f.atMs / 1000).toFixed(1)} s, recovered in ${(f.tookMs / 1000).toFixed(1)} s`]),
    ['process crashes', `receiver ${r.receiverCrashes}, worker ${r.workerCrashes}`],
    ['stored but never sent', String(r.unknownDocuments)],
    ['stored status lagging', `${r.storedStatusMismatches} (processed once, but the document's status write was lost)`],
    ['stored, unacknowledged, unfinished', String(r.unfinishedUnacknowledged)],
    ['lost', `${r.lost.length} (acknowledged but not processed exactly once)`],
    ...r.lost.slice(0, 10).map((l): [string, string] => [`  ${l.id}`, l.why]),
    ['took', `${r.seconds} s (logs in ${r.dir})`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return ['chaos report', ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}

/** What is wrong with a run; empty when every promise held. */
export function problems(r: ChaosReport): string[] {
  const wrong: string[] = [];
  if (r.lost.length > 0) wrong.push(`${r.lost.length} events lost or processed more than once`);
  if (r.unacknowledged > 0) wrong.push(`${r.unacknowledged} events never acknowledged`);
  if (r.refused > 0) wrong.push(`${r.refused} correctly signed events refused with a 4xx`);
  if (r.unfinishedUnacknowledged > 0) wrong.push(`${r.unfinishedUnacknowledged} stored events never finished`);
  if (r.unknownDocuments > 0) wrong.push(`${r.unknownDocuments} stored events nobody sent`);
  if (r.destinationRefused > 0) wrong.push(`${r.destinationRefused} forwards failed the destination's signature check`);
  if (r.receiverCrashes > 0 || r.workerCrashes > 0) wrong.push(`crashes: receiver ${r.receiverCrashes}, worker ${r.workerCrashes}`);
  return wrong;
}
