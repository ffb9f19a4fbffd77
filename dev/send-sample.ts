/**
 * `npm run send-sample [-- <source> [url]]`: sends one correctly signed Standard Webhooks event to a
 * running receiver, using the secret from the same config the receiver loads. A development aid.
 */
import { randomUUID } from 'node:crypto';
import { loadEnv } from '../src/config/env';
import { configPath } from '../src/config/paths';
import { loadConfigFile } from '../src/config/sources';
import { sign } from '../src/providers/standard-webhooks';

async function main(): Promise<void> {
  const env = loadEnv();
  const sourceName = process.argv[2] ?? 'demo';
  const baseUrl = process.argv[3] ?? `http://${env.HOST}:${env.PORT}`;
  const config = loadConfigFile(configPath(env), { defaultMaxBodyBytes: env.MAX_BODY_BYTES });
  const source = config.sources.get(sourceName);
  if (!source || source.provider.name !== 'standard-webhooks') {
    throw new Error(`send-sample needs a standard-webhooks source; "${sourceName}" is not one in ${configPath(env)}`);
  }
  const id = `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const body = JSON.stringify({ type: 'sample.created', data: { hello: 'world', at: new Date().toISOString() } });
  const url = `${baseUrl}/webhooks/${sourceName}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': sign(source.secrets[0] ?? '', id, timestamp, body),
    },
    body,
  });
  console.log(`POST ${url} -> ${res.status}`);
  console.log(await res.text());
  if (!res.ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`send-sample: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
