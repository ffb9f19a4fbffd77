import type { Client } from '@temporalio/client';
import type { AlertsConfig } from '../config/alerts';
import type { FlowFacts } from '../flow/flow-facts';
import { signalAlert } from './signal-alert';

/**
 * Flow control's facts as alerts: a breaker that opens (from closed; a failed probe only keeps it
 * open) and one that closes again. Half-open is a step of the breaker's own, not news for operators.
 */
export function breakerAlerts(client: Client, taskQueue: string, alerts: AlertsConfig): FlowFacts {
  return {
    async breakerChanged({ handler, from, to }) {
      if (to === 'open' && from === 'closed') {
        await signalAlert(client, taskQueue, alerts, { kind: 'breaker_opened', handler, reason: 'too many failed attempts' });
      } else if (to === 'closed' && from !== 'closed') {
        await signalAlert(client, taskQueue, alerts, { kind: 'breaker_closed', handler });
      }
    },
  };
}
