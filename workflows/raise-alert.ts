import { log, proxyLocalActivities } from '@temporalio/workflow';
import type { AlertActivities } from '../activities/alerts';
import type { Alert } from '../src/alerts/alert';

const { raiseAlert: signalNotifiers } = proxyLocalActivities<AlertActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
  localRetryThreshold: '1 second',
});

/**
 * The one way workflow code tells operators something: hands `alert` to every configured notifier's
 * workflow (notify-operators.ts), which batches and sends it. Never fails its caller: an alert that
 * cannot be raised is logged, and the event's processing goes on.
 *
 *   await raiseAlert({ kind: 'breaker_opened', handler: 'erp', reason: '10 failures in a row' });
 */
export async function raiseAlert(alert: Alert): Promise<void> {
  try {
    await signalNotifiers(alert);
  } catch (err) {
    log.warn('could not raise an alert', { kind: alert.kind, error: err instanceof Error ? err.message : String(err) });
  }
}
