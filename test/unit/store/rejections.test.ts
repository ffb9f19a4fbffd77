import assert from 'node:assert/strict';
import type { Db } from 'mongodb';
import { RECORDS_PER_SECOND, RejectionLog, type RejectionDocument } from '../../../src/store/rejections';

const { perSourceAndReason: PER_KIND, overall: OVERALL } = RECORDS_PER_SECOND;

/** The one collection the log writes to, keeping what it was given. */
function fakeDb(): { db: Db; inserted: RejectionDocument[] } {
  const inserted: RejectionDocument[] = [];
  const collection = {
    insertOne: (doc: RejectionDocument) => {
      inserted.push(doc);
      return Promise.resolve({ acknowledged: true });
    },
  };
  return { db: { collection: () => collection } as unknown as Db, inserted };
}

function refusal(reason: string, source = 'demo'): Omit<RejectionDocument, 'unrecordedBefore'> {
  return { at: new Date(0), source, reason, headerNames: [], contentType: 'application/json', bodyBytes: null };
}

async function recordMany(log: RejectionLog, count: number, reason: string, source = 'demo'): Promise<void> {
  for (let i = 0; i < count; i++) await log.record(refusal(reason, source));
}

const kinds = (docs: RejectionDocument[]): string[] => docs.map((doc) => `${doc.source} ${doc.reason} ${doc.unrecordedBefore ?? 0}`);

describe('RejectionLog: records refusals, a bounded number a second', () => {
  it('records a source and reason up to its share within one second, then only counts them', async () => {
    const { db, inserted } = fakeDb();
    let now = 10_000;
    const log = new RejectionLog(db, () => now);
    for (let i = 0; i < PER_KIND + 30; i++) {
      await log.record(refusal('missing_signature'));
      now += 1; // all within one second
    }
    assert.equal(inserted.length, PER_KIND);
    assert.ok(inserted.every((doc) => doc.unrecordedBefore === undefined));
  });

  it('says on the next record of that kind, a second later, how many were left out before it, and counts afresh', async () => {
    const { db, inserted } = fakeDb();
    let now = 10_000;
    const log = new RejectionLog(db, () => now);
    await recordMany(log, PER_KIND + 30, 'missing_signature');
    now += 1000;
    await log.record(refusal('invalid_signature'));
    await log.record(refusal('missing_signature'));
    await log.record(refusal('missing_signature'));
    assert.deepEqual(kinds(inserted.slice(PER_KIND)), ['demo invalid_signature 0', 'demo missing_signature 30', 'demo missing_signature 0']);
  });

  it('keeps a share for each source and reason: a flood of one kind hides no other', async () => {
    const { db, inserted } = fakeDb();
    const log = new RejectionLog(db, () => 10_000);
    await recordMany(log, PER_KIND * 3, 'missing_signature', 'stripe');
    await log.record(refusal('invalid_signature', 'stripe'));
    await log.record(refusal('missing_signature', 'github'));
    assert.equal(inserted.length, PER_KIND + 2);
    assert.deepEqual(kinds(inserted.slice(-2)), ['stripe invalid_signature 0', 'github missing_signature 0']);
  });

  it('counts every unknown source as one kind, whatever name the sender makes up', async () => {
    const { db, inserted } = fakeDb();
    const log = new RejectionLog(db, () => 10_000);
    for (let i = 0; i < PER_KIND * 2; i++) await log.record(refusal('unknown_source', `made-up-${i}`));
    assert.equal(inserted.length, PER_KIND);
  });

  it('writes no more than the overall cap a second, however many kinds', async () => {
    const { db, inserted } = fakeDb();
    let now = 10_000;
    const log = new RejectionLog(db, () => now);
    const sources = Math.ceil((OVERALL * 2) / PER_KIND);
    for (let s = 0; s < sources; s++) await recordMany(log, PER_KIND, 'missing_signature', `source-${s}`);
    assert.equal(inserted.length, OVERALL);
    now += 1000;
    const last = `source-${sources - 1}`;
    await log.record(refusal('missing_signature', last));
    assert.deepEqual(kinds(inserted.slice(-1)), [`${last} missing_signature ${PER_KIND}`]);
  });

  it("leaves the caller's entry as it was given", async () => {
    const { db, inserted } = fakeDb();
    const log = new RejectionLog(db, () => 0);
    const entry = refusal('unknown_source');
    await log.record(entry);
    assert.notEqual(inserted[0], entry);
    assert.deepEqual(Object.keys(entry).sort(), ['at', 'bodyBytes', 'contentType', 'headerNames', 'reason', 'source']);
  });
});
