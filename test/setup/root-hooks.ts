import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startServices, type RunningServices } from '../../dev/embedded/services';

/**
 * The whole suite shares one Temporal server and one MongoDB-wire server: the ones already running
 * (or named by TEMPORAL_ADDRESS / MONGO_URL), else embedded ones started here and stopped at the end,
 * so `npm test` leaves the machine as it found it.
 */
let services: RunningServices | undefined;

export function testServices(): RunningServices {
  if (!services) throw new Error('test services are not running (root hook did not start them)');
  return services;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    // A cold machine installs the Temporal CLI and builds FerretDB first.
    this.timeout(20 * 60_000);
    // The SDK logs every worker state change at INFO; tests only want to hear about trouble.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    // The cluster profile's Web UI is one more Go build, and no test reads it.
    services = await startServices({ temporalUi: false, log: (line: string) => console.log(`  [services] ${line}`) });
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await services?.stop();
  },
};
