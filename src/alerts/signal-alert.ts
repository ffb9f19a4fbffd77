import type { Client } from '@temporalio/client';
import { alertSignal, notifierWorkflowId, notifyOperators } from '../../workflows/notify-operators';
import type { AlertsConfig } from '../config/alerts';
import type { Alert } from './alert';

/**
 * Hands `alert` to every notifier's workflow, starting it when it is not running (signal-with-start):
 * the entry point for code outside workflows (an activity: `Context.current().client`). Workflow code
 * calls workflows/raise-alert.ts, which runs this as a local activity.
 */
export async function signalAlert(client: Client, taskQueue: string, alerts: AlertsConfig, alert: Alert, now = new Date()): Promise<void> {
  const raised = { ...alert, at: now.toISOString() };
  await Promise.all(
    [...alerts.notifiers.keys()].map((notifier) =>
      client.workflow.signalWithStart(notifyOperators, {
        workflowId: notifierWorkflowId(taskQueue, notifier),
        taskQueue,
        args: [{ notifier, taskQueue, batchWindowMs: alerts.batchWindowMs }],
        signal: alertSignal,
        signalArgs: [raised],
        staticSummary: `alerts for notifier ${notifier}`,
      }),
    ),
  );
}
