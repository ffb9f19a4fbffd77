import type { BacklogMeasure, RaisedAlert } from './alert';

/*
 * The alerts of one batching window, summed up: however many events park, the message holds a
 * count per source and handler and a few of their IDs, so its size stays bounded. Plain data,
 * carried through continue-as-new; built in workflow code.
 */

/** How many parked event IDs a message names, and how many breaker or backlog changes it lists. */
export const SAMPLE_SIZE = 5;
export const MAX_CHANGES = 50;

export interface ParkedSummary {
  readonly count: number;
  readonly bySource: Readonly<Record<string, number>>;
  readonly byHandler: Readonly<Record<string, number>>;
  /** The first few event IDs (`<source>:<eventId>`). */
  readonly sample: readonly string[];
}

export interface BreakerChange {
  readonly handler: string;
  readonly state: 'opened' | 'closed';
  readonly at: string;
  readonly reason?: string;
}

export interface BacklogChange {
  readonly scope: string;
  readonly measure: BacklogMeasure;
  readonly state: 'exceeded' | 'recovered';
  readonly value: number;
  readonly threshold: number;
  readonly at: string;
}

export interface Digest {
  /** When the first and the last alert of the window were raised. */
  readonly from: string;
  readonly to: string;
  readonly parked: ParkedSummary;
  readonly breakers: readonly BreakerChange[];
  readonly backlog: readonly BacklogChange[];
  /** Changes left out past MAX_CHANGES. */
  readonly omitted: number;
}

/** `digest` with `alert` added (a new object: digests are values). */
export function addAlert(digest: Digest | null, alert: RaisedAlert): Digest {
  const base: Digest = digest ?? {
    from: alert.at,
    to: alert.at,
    parked: { count: 0, bySource: {}, byHandler: {}, sample: [] },
    breakers: [],
    backlog: [],
    omitted: 0,
  };
  const at = { from: base.from < alert.at ? base.from : alert.at, to: base.to > alert.at ? base.to : alert.at };
  const room = base.breakers.length + base.backlog.length < MAX_CHANGES;
  switch (alert.kind) {
    case 'event_parked': {
      const { parked } = base;
      const byHandler = { ...parked.byHandler };
      for (const handler of alert.handlers) byHandler[handler] = (byHandler[handler] ?? 0) + 1;
      return {
        ...base,
        ...at,
        parked: {
          count: parked.count + 1,
          bySource: { ...parked.bySource, [alert.source]: (parked.bySource[alert.source] ?? 0) + 1 },
          byHandler,
          sample: parked.sample.length < SAMPLE_SIZE ? [...parked.sample, alert.ref] : parked.sample,
        },
      };
    }
    case 'breaker_opened':
    case 'breaker_closed': {
      if (!room) return { ...base, ...at, omitted: base.omitted + 1 };
      const change: BreakerChange = {
        handler: alert.handler,
        state: alert.kind === 'breaker_opened' ? 'opened' : 'closed',
        at: alert.at,
        ...(alert.reason === undefined ? {} : { reason: alert.reason }),
      };
      return { ...base, ...at, breakers: [...base.breakers, change] };
    }
    case 'backlog_exceeded':
    case 'backlog_recovered': {
      if (!room) return { ...base, ...at, omitted: base.omitted + 1 };
      const { scope, measure, value, threshold } = alert;
      const state = alert.kind === 'backlog_exceeded' ? 'exceeded' : 'recovered';
      return { ...base, ...at, backlog: [...base.backlog, { scope, measure, state, value, threshold, at: alert.at }] };
    }
  }
}
