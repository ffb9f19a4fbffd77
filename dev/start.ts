/**
 * `npm start`: the whole service on one machine. Starts (or reuses) the embedded Temporal and
 * MongoDB-wire servers, then the receiver and the worker in this process. Ctrl-C stops all of it.
 */
import { startServices } from './embedded/services';
import { loadEnv } from '../src/config/env';
import { bootstrap, runMain } from '../src/entry';
import { installTemporalRuntime } from '../src/worker/temporal-runtime';
import { startHookflow } from '../src/service';

runMain('hookflow', async () => {
  const { env, config, logger } = bootstrap();
  installTemporalRuntime(env, logger);
  const services = await startServices({ log: (line) => console.log(`[services] ${line}`) });
  try {
    const hookflow = await startHookflow({
      // The cluster profile's TLS files: hookflow reaches it over mTLS, as it would a secured cluster.
      env: Object.keys(services.temporalEnv).length === 0 ? env : loadEnv({ ...process.env, ...services.temporalEnv }),
      config,
      logger,
      temporalAddress: services.temporalAddress,
      mongoUrl: services.mongoUrl,
      receiver: true,
      worker: true,
    });
    const sources = [...config.sources.keys()].map((name) => `${hookflow.url}/webhooks/${name}`);
    console.log(
      [
        '',
        'hookflow is running.',
        `  Receiver:     ${hookflow.url}  (sources: ${sources.join(', ')})`,
        `  Temporal UI:  ${services.temporalUiUrl ?? env.TEMPORAL_UI_URL ?? '(external server: see its UI)'}`,
        `  Monitoring:   ${hookflow.monitoringUrl ?? hookflow.url}/metrics, /healthz, /readyz${env.ADMIN_TOKEN ? `; admin API under ${hookflow.url}/admin` : ''}`,
        `  MongoDB:      ${services.mongoUrl.replace(/\/\/[^@/]*@/, '//***@')}`,
        '',
        'Send a signed sample event from another terminal:',
        '  npm run send-sample',
        '',
        'Ctrl-C stops everything started here.',
        '',
      ].join('\n'),
    );
    return {
      async stop() {
        await hookflow.stop();
        await services.stop();
      },
      stopTimeoutMs: env.STOP_TIMEOUT_MS,
    };
  } catch (err) {
    await services.stop();
    throw err;
  }
});
