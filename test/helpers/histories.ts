import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { HistoryAndWorkflowId, WorkflowHandle } from '@temporalio/client';
// A dependency of @temporalio/client; imported for the History message class only.
import { temporal } from '@temporalio/proto';
import { repoRoot } from '../../src/config/paths';

/*
 * Histories of finished runs, committed and replayed against the current workflow code by
 * workflow-replay.test.ts. Saved with protobufjs's own JSON form (History#toJSON / fromObject),
 * not the SDK's historyToJSON/historyFromJSON: with two copies of protobufjs installed (one under
 * @temporalio/common, one under @temporalio/proto) those fail with "type must be a Type".
 */

export const HISTORIES_DIR = join(repoRoot(), 'test', 'fixtures', 'histories');

/**
 * With RECORD_HISTORIES=1, saves the run's history as `<name>.json`. How histories are kept
 * across a versioned change of the workflow: docs/workflow-versioning.md.
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), JSON.stringify(history, null, 1) + '\n');
}

/** Every saved history, subfolders included, named after its path (`before-some-change/fan-out`). */
export function savedHistories(): HistoryAndWorkflowId[] {
  return readdirSync(HISTORIES_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      workflowId: relative(HISTORIES_DIR, join(HISTORIES_DIR, file)).replace(/\.json$/, ''),
      history: temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8'))),
    }));
}
