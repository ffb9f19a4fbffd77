import type { Client } from '@temporalio/client';
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

export const DEFAULT_TEMPORAL_UI_URL = 'http://127.0.0.1:8233';

/** The run's page in the Temporal Web UI. */
export function temporalUiLink(ctx: OpsContext, workflowId: string): string {
  return `${ctx.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
