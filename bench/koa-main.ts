/**
 * Baseline (b), the HTTP ceiling: `node dist/bench/koa-main.js` serves a bare Koa app that answers
 * every request 200 on 127.0.0.1, and prints `{"ready":true,"port":N}` once it listens.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.status = 200;
  ctx.body = { status: 'ok' };
});
const server = createServer(app.callback());
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ ready: true, port }));
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
