// ad hoc: cost of each hot-path call alone, at several concurrencies (no worker polling the queue)
const { MongoClient, Binary } = require('mongodb');
const { Connection, Client } = require('@temporalio/client');
const { EventStore } = require('./dist/src/store/events');
const { startEventWorkflow } = require('./dist/src/temporal/start-event');
(async () => {
  const c = new MongoClient('mongodb://127.0.0.1:17017/'); await c.connect();
  const db = c.db('micro'); await db.dropDatabase();
  const s = new EventStore(db); await s.ensureIndexes();
  const conn = await Connection.connect({ address: '127.0.0.1:17233' });
  const client = new Client({ connection: conn });
  const body = new Binary(Buffer.from('x'.repeat(1024)));
  let k = 0;
  const mk = () => { const id = 'e' + (k++) + '-' + Date.now(); return { source: 'm', provider: 'standard-webhooks', eventId: id, eventType: 't', body, bodySha256: 'a', contentType: 'application/json', headers: [{name:'a',value:'b'}], receivedAt: new Date(), workflowId: 'm:' + id }; };
  const run = async (label, conc, n, fn) => {
    const lat = []; let i = 0; const t0 = performance.now();
    await Promise.all(Array.from({ length: conc }, async () => { while (i < n) { i++; const a = performance.now(); await fn(); lat.push(performance.now() - a); } }));
    const dt = (performance.now() - t0) / 1000; lat.sort((a, b) => a - b);
    console.log(label.padEnd(28), 'c=' + conc, (n / dt).toFixed(1) + '/s', 'p50', lat[Math.floor(n * .5)].toFixed(1), 'p99', lat[Math.floor(n * .99)].toFixed(1));
  };
  for (const conc of [1, 4, 16]) {
    await run('mongo insert', conc, 300, async () => { const e = mk(); await s.insert(e, new Date(), 5000); });
    await run('temporal start (no worker)', conc, 200, async () => { const e = mk(); const d = { ...e, _id: e.workflowId, status: 'received', statusHistory: [], runId: null, nextStartAt: null, startAttempts: 0 }; await startEventWorkflow(client, 'micro-q', d, 5000); });
    await run('pending insert+delete', conc, 300, async () => { const id = 'p' + (k++); await db.collection('pending').insertOne({ _id: id, dueAt: new Date() }); await db.collection('pending').deleteOne({ _id: id }); });
  }
  await db.dropDatabase(); await c.close(); await conn.close();
})();
