import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_MEMORY_ENV, IMAGE_NODE_OPTIONS } from '../../../bench/image-node-options';
import { parseDockerfile, parseExecForm, readCopy } from '../../helpers/dockerfile';

function copyOf(line: string) {
  const [stage] = parseDockerfile(`FROM node:20 AS build\n${line}\n`);
  const instruction = stage?.instructions[0];
  assert.ok(instruction);
  return () => readCopy(instruction);
}

describe('the Dockerfile reader used to replay the image build', function () {
  it('groups instructions by stage, joining continuation lines and skipping comments', function () {
    const stages = parseDockerfile('# comment\nFROM node:20 AS build\nRUN a && \\\n    b\n\nFROM node:20\nCMD ["node", "x.js"]\n');
    assert.deepEqual(
      stages.map((s) => ({ name: s.name, instructions: s.instructions.map((i) => `${i.keyword} ${i.args}`) })),
      [
        { name: 'build', instructions: ['RUN a &&  b'] },
        { name: undefined, instructions: ['CMD ["node", "x.js"]'] },
      ],
    );
  });

  it('reads a COPY from the context and one --from a stage', function () {
    assert.deepEqual(copyOf('COPY package.json package-lock.json ./')(), { from: undefined, sources: ['package.json', 'package-lock.json'], destination: './' });
    assert.deepEqual(copyOf('COPY --from=build /app/dist ./dist')(), { from: 'build', sources: ['/app/dist'], destination: './dist' });
  });

  it('refuses a COPY it cannot lay out exactly: other options, JSON form, wildcards', function () {
    assert.throws(copyOf('COPY --chown=node src ./src'), /cannot interpret COPY .*option --chown=node/);
    assert.throws(copyOf('COPY ["src", "./src"]'), /cannot interpret COPY .*JSON form/);
    assert.throws(copyOf('COPY src/*.ts ./src/'), /cannot interpret COPY .*wildcards/);
  });

  it('reads a command in exec form and refuses the shell form', function () {
    assert.deepEqual(parseExecForm('["node", "dist/src/worker/main.js"]', 'test'), ['node', 'dist/src/worker/main.js']);
    assert.throws(() => parseExecForm('node dist/src/worker/main.js', 'test'), /test: not a command in exec form/);
  });
});

describe("the image's node flags", function () {
  it('are the ones the bench runs the receiver and the worker with, so it measures their memory as the image runs them', function () {
    const stages = parseDockerfile(readFileSync(join(__dirname, '..', '..', '..', '..', 'Dockerfile'), 'utf8'));
    const env = stages.at(-1)?.instructions.filter((i) => i.keyword === 'ENV' && i.args.startsWith('NODE_OPTIONS=')) ?? [];
    assert.equal(env.length, 1, 'one ENV NODE_OPTIONS in the final stage');
    const value = (env[0]?.args ?? '').slice('NODE_OPTIONS='.length).replace(/^"(.*)"$/, '$1');
    assert.deepEqual(value.split(/\s+/), [...IMAGE_NODE_OPTIONS]);
    for (const [name, expected] of Object.entries(IMAGE_MEMORY_ENV)) {
      const set = stages.at(-1)?.instructions.filter((i) => i.keyword === 'ENV' && i.args.startsWith(`${name}=`)) ?? [];
      assert.deepEqual(set.map((i) => i.args), [`${name}=${expected}`], `ENV ${name} in the final stage`);
    }
  });
});
