/**
 * `npm run bench [-- --smoke] [-- --out DIR] ...`: measures how fast hookflow acknowledges and
 * processes webhooks on this machine, against its own floor and ceiling, and writes
 * results.json, results.md and chart.svg (see bench/README.md).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from './chart';
import { parseOptions } from './options';
import { ceilingTable, orderingTable, phaseTable, renderMarkdown } from './report';
import { runBench } from './run';

async function main(argv: readonly string[]): Promise<void> {
  const opts = parseOptions(argv);
  const log = (line: string): void => console.error(`[bench] ${line}`);
  const command = ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
  const { workDir, ...results } = await runBench(opts, command, log);
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(join(opts.outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(opts.outDir, 'results.md'), renderMarkdown(results));
  writeFileSync(join(opts.outDir, 'chart.svg'), renderChart(results.phases, `hookflow: latency against throughput (${results.machine.cores} cores)`));
  rmSync(workDir, { recursive: true, force: true });
  console.log(phaseTable(results.phases));
  console.log('');
  console.log(ceilingTable(results.burst, results.ceiling));
  console.log('');
  console.log(orderingTable(results.ordering));
  console.log('');
  for (const t of results.targets) console.log(`${t.pass ? 'pass' : 'FAIL'}  ${t.target}: ${t.measured}`);
  console.log(`\nresults in ${opts.outDir} (results.json, results.md, chart.svg)`);
  if (opts.cpuProfDir) console.log(`CPU profiles of the receiver, the worker and the bare shape's worker in ${opts.cpuProfDir}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  // A client error wraps the server's answer: say what the server said.
  if (err instanceof Error && err.cause !== undefined) console.error(`caused by: ${String(err.cause)}`);
  process.exit(1);
});
