/**
 * The store under hookflow's mix of writes, with no hookflow code: what a receiver's insert waits
 * for while a worker writes beside it. Measured to judge FerretDB's handling of concurrent writers
 * (see patchWriteQueue in dev/embedded/install-ferretdb.ts); a real MongoDB can be measured the same way.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { round, summarize, type LatencySummary } from './stats';

export interface StoreWritesOptions {
  readonly seconds: number;
  /** Loops each inserting a group of events, then their pending starts, as a receiver's group commit does. */
  readonly inserters: number;
  /** Documents per group. */
  readonly groupSize: number;
  /** Loops each reading one event by `_id`, then setting its status, as the worker's activities do. */
  readonly updaters: number;
  /** Loops deleting the pending starts of inserted events in tens, as the starter does. */
  readonly deleters: number;
  readonly bodyBytes: number;
}

export const STORE_WRITES_DEFAULTS: StoreWritesOptions = { seconds: 20, inserters: 2, groupSize: 10, updaters: 16, deleters: 2, bodyBytes: 1024 };

export interface OperationFigures {
  /** Operations per second over the whole run. */
  readonly perSecond: number;
  readonly latencyMs: LatencySummary;
}

export interface StoreWritesResult {
  /** One group: its events' insertMany, then its pending starts' (what an answer waits for). */
  readonly groupInsert: OperationFigures;
  readonly update: OperationFigures;
  readonly find: OperationFigures;
  readonly delete: OperationFigures;
}

/** Runs the mix against `db` (a database of its own: it is written to, not cleaned up) for `opts.seconds`. */
export async function measureStoreWrites(db: Db, opts: StoreWritesOptions): Promise<StoreWritesResult> {
  const events = db.collection<{ _id: string; body?: string; status?: string; at?: Date }>('events');
  const pending = db.collection<{ _id: string }>('pending_starts');
  const body = 'x'.repeat(opts.bodyBytes);
  // The worker's documents exist before the clock starts: its writes are updates of stored events.
  const existing = Array.from({ length: 2000 }, (_, i) => ({ _id: `stored-${i}`, status: 'received', body }));
  await events.insertMany(existing);
  await pending.insertOne({ _id: 'warm-up' });
  await pending.deleteOne({ _id: 'warm-up' });

  const samples = { groupInsert: [] as number[], update: [] as number[], find: [] as number[], delete: [] as number[] };
  const toDelete: string[] = [];
  const started = performance.now();
  const end = started + opts.seconds * 1000;
  const timed = async (into: number[], op: () => Promise<unknown>): Promise<void> => {
    const t = performance.now();
    await op();
    into.push(performance.now() - t);
  };

  const inserter = async (): Promise<void> => {
    while (performance.now() < end) {
      const ids = Array.from({ length: opts.groupSize }, () => randomUUID());
      await timed(samples.groupInsert, async () => {
        await events.insertMany(
          ids.map((_id) => ({ _id, body })),
          { ordered: false },
        );
        await pending.insertMany(
          ids.map((_id) => ({ _id })),
          { ordered: false },
        );
      });
      toDelete.push(...ids);
    }
  };
  const updater = async (): Promise<void> => {
    while (performance.now() < end) {
      const _id = `stored-${Math.floor(Math.random() * existing.length)}`;
      await timed(samples.find, () => events.findOne({ _id }));
      await timed(samples.update, () => events.updateOne({ _id }, { $set: { status: 'processing', at: new Date() } }));
    }
  };
  const deleter = async (): Promise<void> => {
    while (performance.now() < end) {
      const ids = toDelete.splice(0, 10);
      if (ids.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      else await timed(samples.delete, () => pending.deleteMany({ _id: { $in: ids } }));
    }
  };

  await Promise.all([...repeat(opts.inserters, inserter), ...repeat(opts.updaters, updater), ...repeat(opts.deleters, deleter)]);
  const seconds = (performance.now() - started) / 1000;
  const figures = (s: number[]): OperationFigures => ({ perSecond: round(s.length / seconds, 1), latencyMs: summarize(s) });
  return { groupInsert: figures(samples.groupInsert), update: figures(samples.update), find: figures(samples.find), delete: figures(samples.delete) };
}

function repeat(times: number, loop: () => Promise<void>): Promise<void>[] {
  return Array.from({ length: times }, () => loop());
}

/** The result as a Markdown table. */
export function storeWritesTable(result: StoreWritesResult): string {
  const rows: [string, OperationFigures][] = [
    [`group insert (events, then pending starts)`, result.groupInsert],
    ['update by _id', result.update],
    ['find by _id', result.find],
    ['delete of ten by _id', result.delete],
  ];
  return [
    '| operation | per s | p50 | p90 | p99 | max (ms) |',
    '|---|--:|--:|--:|--:|--:|',
    ...rows.map(([name, f]) => `| ${name} | ${f.perSecond} | ${f.latencyMs.p50} | ${f.latencyMs.p90} | ${f.latencyMs.p99} | ${f.latencyMs.max} |`),
  ].join('\n');
}
