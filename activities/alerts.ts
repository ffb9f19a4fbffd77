import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Alert, BacklogMeasure } from '../src/alerts/alert';
import { deliverDigest } from '../src/alerts/deliver';
import type { Digest } from '../src/alerts/digest';
import type { AlertLinks } from '../src/alerts/messages';
import { signalAlert } from '../src/alerts/signal-alert';
import type { AlertsConfig } from '../src/config/alerts';
import type { PendingStartStore } from '../src/store/pending-starts';
import { handlerTaskQueue } from '../src/flow/handler-queues';
import { describeHandlerFlows } from '../src/flow/queue-limits';
import { countOpenRuns } from '../src/temporal/open-runs';

export interface AlertActivityDeps {
  readonly alerts: AlertsConfig;
  /** The handlers' names: their task queues' backlogs are measured per handler. */
  readonly handlers: readonly string[];
  readonly pendingStarts: PendingStartStore;
  readonly links: AlertLinks;
}

export interface BacklogReading {
  readonly checkEveryMs: number;
  readonly measures: readonly { readonly scope: string; readonly measure: BacklogMeasure; readonly value: number; readonly threshold: number }[];
}

const OPEN_RUNS_COUNT_MS = 10_000;

/**
 * The activities of alerting (src/alerts): raising an alert, sending a notifier's batch, reading the
 * backlog. Notifier URLs and secrets stay here, in the worker: workflows only pass notifier names.
 */
export function createAlertActivities(deps: AlertActivityDeps) {
  const { alerts } = deps;
  return {
    /** Signals every notifier's workflow (none configured: nothing to do). */
    async raiseAlert(alert: Alert): Promise<void> {
      if (alerts.notifiers.size === 0) return;
      const { client, info } = Context.current();
      await signalAlert(client, info.taskQueue, alerts, alert);
    },

    /** Sends one batch; a refusal that retrying cannot fix (a 4xx, a notifier no longer configured) fails for good. */
    async deliverAlerts(notifier: string, messageId: string, digest: Digest): Promise<void> {
      const config = alerts.notifiers.get(notifier);
      if (!config) throw ApplicationFailure.nonRetryable(`no notifier "${notifier}" in this worker's config`, 'UnknownNotifier');
      const outcome = await deliverDigest(config, messageId, digest, deps.links, Context.current().cancellationSignal);
      if (outcome.ok) return;
      const message = `notifier ${notifier} ${outcome.reason}`;
      if (!outcome.retryable) throw ApplicationFailure.nonRetryable(message, 'NotifierRefused');
      throw ApplicationFailure.retryable(message, 'NotifierUnavailable');
    },

    /** The service's backlog against `alerts.backlog`; null when no threshold is set (the watcher then ends). */
    async readBacklog(): Promise<BacklogReading | null> {
      const thresholds = alerts.backlog;
      if (!thresholds) return null;
      const measures: BacklogReading['measures'][number][] = [];
      const scope = 'service';
      if (thresholds.maxPendingStarts !== undefined) {
        measures.push({ scope, measure: 'pending_starts', value: await deps.pendingStarts.count(), threshold: thresholds.maxPendingStarts });
      }
      if (thresholds.maxOldestPendingAgeMs !== undefined) {
        const oldest = await deps.pendingStarts.oldestReceivedAt();
        const ageSeconds = oldest === null ? 0 : Math.floor((Date.now() - oldest.getTime()) / 1000);
        measures.push({ scope, measure: 'oldest_pending_age_seconds', value: ageSeconds, threshold: Math.floor(thresholds.maxOldestPendingAgeMs / 1000) });
      }
      if (thresholds.maxOpenRuns !== undefined) {
        const { client, info } = Context.current();
        measures.push({ scope, measure: 'open_runs', value: await countOpenRuns(client, info.taskQueue, OPEN_RUNS_COUNT_MS), threshold: thresholds.maxOpenRuns });
      }
      if (thresholds.maxHandlerWaiting !== undefined || thresholds.maxHandlerOldestWaitMs !== undefined) {
        const { client, info } = Context.current();
        const queues = new Map(deps.handlers.map((handler) => [handler, handlerTaskQueue(info.taskQueue, handler)]));
        const flows = await describeHandlerFlows(client.workflowService, info.activityNamespace, queues);
        for (const [handler, flow] of flows) {
          if (thresholds.maxHandlerWaiting !== undefined) {
            measures.push({ scope: handler, measure: 'handler_waiting_attempts', value: flow.backlog, threshold: thresholds.maxHandlerWaiting });
          }
          if (thresholds.maxHandlerOldestWaitMs !== undefined) {
            const threshold = Math.floor(thresholds.maxHandlerOldestWaitMs / 1000);
            measures.push({ scope: handler, measure: 'handler_oldest_wait_seconds', value: Math.floor(flow.oldestWaitSeconds), threshold });
          }
        }
      }
      return { checkEveryMs: thresholds.checkEveryMs, measures };
    },
  };
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;
