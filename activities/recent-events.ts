import type { EventDocument } from '../src/store/events';

/** Entries and body bytes kept at most: a few hundred events in flight, a few MiB of the worker's memory. */
const MAX_ENTRIES = 512;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The events this worker has just routed, so that the run's handler activities, which usually run
 * on the same worker moments later, need not read the event from MongoDB again (one `find` per
 * handler and event). Keyed by workflow run: a run only ever gets the event its own routing read,
 * never one an earlier run (before a reset) or another process left here. The payload is immutable;
 * the copy's `status` is stale and handlers never read it. Oldest out first beyond either bound.
 */
export class RecentEvents {
  private readonly byRun = new Map<string, EventDocument>();
  private bodyBytes = 0;

  constructor(
    private readonly maxEntries = MAX_ENTRIES,
    private readonly maxBodyBytes = MAX_BODY_BYTES,
  ) {}

  remember(runId: string, event: EventDocument): void {
    const size = event.body.length();
    if (size > this.maxBodyBytes) return;
    this.drop(runId);
    this.byRun.set(runId, event);
    this.bodyBytes += size;
    for (const [oldest] of this.byRun) {
      if (this.byRun.size <= this.maxEntries && this.bodyBytes <= this.maxBodyBytes) break;
      this.drop(oldest);
    }
  }

  /** The event the run `runId` routed, when it is `ref` and still here. */
  recall(runId: string, ref: string): EventDocument | undefined {
    const event = this.byRun.get(runId);
    return event?._id === ref ? event : undefined;
  }

  get size(): number {
    return this.byRun.size;
  }

  /** Forgets what the run routed: once it has finished, nothing reads it again. */
  drop(runId: string): void {
    const event = this.byRun.get(runId);
    if (!event) return;
    this.byRun.delete(runId);
    this.bodyBytes -= event.body.length();
  }
}
