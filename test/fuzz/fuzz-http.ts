/**
 * Runs schemathesis against a live receiver (with its worker and admin API) described by
 * docs/openapi.yaml: no answer may be a 5xx, and every answer must conform to the document.
 * Started by scripts/fuzz-http.sh, which installs schemathesis into .tools/ first.
 *
 *   node dist/test/fuzz/fuzz-http.js [--max-examples N] [--schemathesis PATH]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadEnv } from '../../src/config/env';
import { parseConfig } from '../../src/config/sources';
import { repoRoot } from '../../src/config/paths';
import { startServices } from '../../dev/embedded/services';
import { startHookflow } from '../../src/service';
import { bundleWorkflows } from '../../src/worker/worker';
import { isRecord } from '../helpers/json-schema';
import { SPEC_PATH } from '../helpers/openapi';
import { signStandard, standardSecret } from '../helpers/signed-event';
import { parseYaml } from '../helpers/yaml';

const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_headers_conformance', 'response_schema_conformance'];

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : (process.argv[at + 1] ?? fallback);
}

/**
 * The document with the deployment's values for the `source` and `id` path parameters, so the
 * fuzzer reaches the verifiers and the stored events instead of a 404 for every made-up name.
 */
function withParameterValues(values: Readonly<Record<string, readonly string[]>>): unknown {
  const doc = parseYaml(readFileSync(SPEC_PATH, 'utf8'));
  const parameters = isRecord(doc) && isRecord(doc.components) ? doc.components.parameters : undefined;
  for (const [name, enumValues] of Object.entries(values)) {
    const parameter = isRecord(parameters) ? parameters[name] : undefined;
    if (!isRecord(parameter)) throw new Error(`docs/openapi.yaml has no parameter ${name}`);
    parameter.schema = { type: 'string', enum: [...enumValues] };
  }
  return doc;
}

function run(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const schemathesis = option('schemathesis', join(repoRoot(), '.tools', 'schemathesis-venv', 'bin', 'schemathesis'));
  const maxExamples = option('max-examples', '30');
  const suffix = randomBytes(4).toString('hex');
  const workDir = mkdtempSync(join(tmpdir(), 'hookflow-fuzz-'));
  const token = randomBytes(24).toString('hex');
  const services = await startServices({ log: (line) => console.log(`[services] ${line}`) });
  // The developer's own instance may use these: the fuzz target must not clash with it.
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['METRICS_PORT', 'TEMPORAL_METRICS_ADDRESS', 'HOOKFLOW_CONFIG']) delete inherited[name];
  const env = loadEnv({
    ...inherited,
    HOST: '127.0.0.1',
    PORT: '0',
    MONGO_DB: `hookflow_fuzz_${suffix}`,
    TEMPORAL_TASK_QUEUE: `hookflow-fuzz-${suffix}`,
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN: token,
  });
  const secret = standardSecret();
  const config = parseConfig(
    {
      sources: {
        demo: { provider: 'standard-webhooks', secrets: [secret] },
        chat: { provider: 'slack', secrets: [randomBytes(16).toString('hex')] },
        small: { provider: 'github', secrets: [randomBytes(16).toString('hex')], maxBodyBytes: 64 },
      },
    },
    { defaultMaxBodyBytes: env.MAX_BODY_BYTES, baseDir: process.cwd(), label: 'fuzz config' },
  );
  const hookflow = await startHookflow({
    env,
    config,
    logger: pino({ level: 'silent' }),
    temporalAddress: services.temporalAddress,
    mongoUrl: services.mongoUrl,
    receiver: true,
    worker: true,
    workflowBundle: await bundleWorkflows(),
  });
  try {
    if (!(await hookflow.storeReady())) throw new Error('the store did not become ready');
    const ids: string[] = ['demo:none'];
    for (let n = 0; n < 3; n++) {
      const d = signStandard(secret, JSON.stringify({ type: 'fuzz.seed', data: { n } }));
      const res = await fetch(`${hookflow.url}/webhooks/demo`, { method: 'POST', headers: d.headers, body: d.body });
      if (res.status !== 202) throw new Error(`seeding an event got ${res.status}`);
      ids.push(`demo:${d.id}`);
    }
    const spec = join(workDir, 'openapi.json');
    writeFileSync(spec, JSON.stringify(withParameterValues({ Source: ['demo', 'chat', 'small', 'nope'], EventId: ids })));
    console.log(`fuzzing ${hookflow.url} with schemathesis (${maxExamples} examples per operation)`);
    return await run(schemathesis, [
      'run',
      spec,
      '--url',
      hookflow.url ?? '',
      '--checks',
      CHECKS.join(','),
      '--max-examples',
      maxExamples,
      '--header',
      `Authorization: Bearer ${token}`,
      '--workers',
      '2',
      '--request-timeout',
      '30',
      '--no-color',
    ]);
  } finally {
    await hookflow.store.collection.db.dropDatabase().catch(() => undefined);
    await hookflow.stop();
    await services.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('fuzz-http: failed', err);
    process.exit(1);
  },
);
