import type { Client } from '@temporalio/client';
import type { Env } from '../config/env';
import type { EventStore } from '../store/events';
import type { OperatorActionLog } from '../store/operator-actions';

/** Who asked for an operation; recorded with it on the event. */
export type Actor = 'cli' | 'admin-api';

/** What every operation needs: the CLI builds one from the environment, the service from its own parts. */
export interface OpsContext {
  readonly store: EventStore;
  readonly actions: OperatorActionLog;
  readonly temporal: Client;
  /** host:port, for messages when Temporal does not answer. */
  readonly temporalAddress: string;
  readonly namespace: string;
  /** For starting an event's workflow that was never started. */
  readonly taskQueue: string;
  /** Base URL of the Temporal Web UI, without a trailing slash. */
  readonly temporalUiUrl: string;
  /** Deadline for each call to Temporal. */
  readonly timeoutMs: number;
  readonly actor: Actor;
}

const DEFAULT_TEMPORAL_UI_URL = 'http://127.0.0.1:8233';

export interface OpsParts {
  readonly store: EventStore;
  readonly actions: OperatorActionLog;
  readonly temporal: Client;
  readonly temporalAddress: string;
  readonly timeoutMs: number;
  readonly actor: Actor;
}

/** The context for the CLI and the admin API alike: namespace, task queue and UI from the environment. */
export function createOpsContext(env: Env, parts: OpsParts): OpsContext {
  return {
    ...parts,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    temporalUiUrl: (env.TEMPORAL_UI_URL ?? DEFAULT_TEMPORAL_UI_URL).replace(/\/+$/, ''),
  };
}

/** The run's page in the Temporal Web UI. */
export function temporalUiLink(ctx: OpsContext, workflowId: string): string {
  return `${ctx.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
