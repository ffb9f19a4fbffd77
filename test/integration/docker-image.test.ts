import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import { repoRoot } from '../../src/config/paths';
import { parseDockerfile, parseExecForm, readCopy, type Stage } from '../helpers/dockerfile';

const ROOT = repoRoot();

/** The environment the build's commands see: ours, without what npm or mocha set for themselves. */
function buildEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE_ENV'));
}

function sh(command: string, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile('sh', ['-c', command], { cwd, env: buildEnv(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Where a container path of a stage lives on this machine: under the stage's own folder. */
function onHost(stageRoot: string, containerPath: string): string {
  return join(stageRoot, containerPath);
}

/** Docker's COPY: a directory's contents go into the destination; files go into it when it is a folder. */
function copyInto(source: string, destination: string, intoFolder: boolean, move: boolean): void {
  const target = intoFolder && !statSync(source).isDirectory() ? join(destination, basename(source)) : destination;
  mkdirSync(intoFolder ? destination : join(target, '..'), { recursive: true });
  // Moving is exact and instant for the build stage's node_modules; the build stage is not reused.
  if (move && !existsSync(target)) renameSync(source, target);
  else cpSync(source, target, { recursive: true });
}

interface Replayed {
  readonly root: string;
  readonly workdir: string;
}

/**
 * Replays one stage: WORKDIR, COPY (from the repository, or moved from an earlier stage) and RUN
 * (with sh, in the workdir). Any other instruction that would change the files is refused.
 */
async function replay(stage: Stage, root: string, earlier: ReadonlyMap<string, Replayed>): Promise<Replayed> {
  let workdir = '/';
  for (const instruction of stage.instructions) {
    switch (instruction.keyword) {
      case 'WORKDIR':
        workdir = posix.resolve(workdir, instruction.args);
        mkdirSync(onHost(root, workdir), { recursive: true });
        break;
      case 'COPY': {
        const copy = readCopy(instruction);
        const from = copy.from === undefined ? undefined : earlier.get(copy.from);
        if (copy.from !== undefined && !from) throw new Error(`line ${instruction.line}: no stage named ${copy.from}`);
        const destination = onHost(root, posix.resolve(workdir, copy.destination));
        const intoFolder = copy.destination.endsWith('/') || copy.sources.length > 1;
        for (const source of copy.sources) {
          const path = from ? onHost(from.root, posix.resolve(from.workdir, source)) : join(ROOT, source);
          assert.ok(existsSync(path), `line ${instruction.line}: COPY source ${source} does not exist${from ? ` in stage ${copy.from}` : ' in the repository'}`);
          copyInto(path, destination, intoFolder, from !== undefined);
        }
        break;
      }
      case 'RUN': {
        assert.ok(!instruction.args.startsWith('['), `line ${instruction.line}: RUN in exec form is not replayed`);
        const run = await sh(instruction.args, onHost(root, workdir));
        assert.equal(run.code, 0, `line ${instruction.line}: RUN ${instruction.args} failed:\n${run.output.slice(-4000)}`);
        break;
      }
      case 'ENV':
        // Only a RUN would see it, and RUN is replayed with this process's environment.
        assert.ok(!stage.instructions.some((i) => i.keyword === 'RUN'), `line ${instruction.line}: ENV in a stage that RUNs is not replayed`);
        break;
      case 'USER':
      case 'EXPOSE':
      case 'CMD':
        break; // no effect on the files
      default:
        throw new Error(`line ${instruction.line}: ${instruction.keyword} is not replayed by this test`);
    }
  }
  return { root, workdir };
}

/** Every file under `dir`, relative, skipping node_modules. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules') return [];
    const relative = join(prefix, entry.name);
    return entry.isDirectory() ? filesUnder(join(dir, entry.name), relative) : [relative];
  });
}

describe('the Docker image, built without Docker', function () {
  // npm ci against the registry (warm cache) and a TypeScript build on a shared machine.
  this.timeout(10 * 60_000);

  let scratch: string;
  let image: Replayed;
  let cmd: string[];

  before(async function () {
    const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    const runtime = stages.at(-1);
    assert.ok(runtime && stages.length >= 2, 'a build stage and a runtime stage');
    scratch = mkdtempSync(join(tmpdir(), 'hookflow-docker-'));
    const built = new Map<string, Replayed>();
    for (const [i, stage] of stages.slice(0, -1).entries()) {
      const replayed = await replay(stage, join(scratch, `stage-${i}`), built);
      if (stage.name) built.set(stage.name, replayed);
    }
    image = await replay(runtime, join(scratch, 'image'), built);
    const cmdInstruction = runtime.instructions.filter((i) => i.keyword === 'CMD').at(-1);
    assert.ok(cmdInstruction, 'the runtime stage has a CMD');
    cmd = parseExecForm(cmdInstruction.args, `Dockerfile line ${cmdInstruction.line}`);
  });

  after(function () {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const app = (path: string): string => onHost(image.root, posix.resolve(image.workdir, path));

  it("has the script the image's CMD runs", function () {
    assert.equal(cmd[0], 'node');
    assert.ok(cmd[1] && existsSync(app(cmd[1])), `${cmd[1]} is in the image`);
  });

  it('has the script of every hookflow command in docker-compose.yml (receiver and worker)', function () {
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const scripts = [...compose.matchAll(/command:\s*(\[.*\])/g)]
      .map((m) => parseExecForm(m[1] ?? '', 'docker-compose.yml'))
      .filter((words) => words[0] === 'node')
      .map((words) => words[1] ?? '');
    assert.deepEqual(scripts.sort(), ['dist/src/receiver/main.js', 'dist/src/worker/main.js']);
    for (const script of scripts) assert.ok(existsSync(app(script)), `${script} is in the image`);
  });

  it('has every dist/ script the docs run inside a container (docker compose exec/run, docker run/exec)', function () {
    const lines = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)].flatMap((doc) =>
      readFileSync(join(ROOT, doc), 'utf8')
        .split('\n')
        .filter((line) => /\bdocker(?:\s+compose|-compose)?\s+(?:exec|run)\b/.test(line))
        .map((line) => ({ doc, line })),
    );
    for (const { doc, line } of lines) {
      for (const [script] of line.matchAll(/\bdist\/\S+/g)) assert.ok(existsSync(app(script)), `${doc}: ${line.trim()}: ${script} is not in the image`);
    }
  });

  it("resolves the worker's workflow bundle entry (dist/workflows)", function () {
    assert.equal(require.resolve(app('dist/workflows')), app('dist/workflows/index.js'));
  });

  it('loads the service and the worker with only the production dependencies', async function () {
    const run = await sh(`NODE_ENV=production node -e "require('./dist/src/service.js'); require('./dist/src/worker/worker.js')"`, app('.'));
    assert.equal(run.code, 0, run.output);
  });

  it('holds no tests, benchmarks, examples or config file', function () {
    for (const path of ['dist/test', 'dist/bench', 'dist/examples', 'test', 'config']) {
      assert.ok(!existsSync(app(path)), `${path} is not in the image`);
    }
  });

  it('holds none of the secrets committed in config/hookflow.dev.json', function () {
    const dev = readFileSync(join(ROOT, 'config/hookflow.dev.json'), 'utf8');
    const committed = [...dev.matchAll(/"(whsec_[^"]+)"/g)].map((m) => m[1] ?? '');
    assert.ok(committed.length > 0, 'the dev config has a literal secret to look for');
    for (const file of filesUnder(app('.'))) {
      const text = readFileSync(join(app('.'), file), 'utf8');
      for (const secret of committed) assert.ok(!text.includes(secret), `${file} contains a committed secret`);
    }
  });
});
