import { z } from 'zod';
import { isSigningSecret } from './handlers';
import { durationSchema as duration } from './duration-schema';
import { resolveSecret, secretRef } from './secret-ref';

/*
 * The `alerts` section of the config file: who is told when events park, a breaker opens or closes,
 * or the backlog passes a threshold (src/alerts). Notifier URLs and secrets are read like handler
 * secrets (literal outside production, or {"env"} / {"file"}) and never logged.
 */

const slackNotifierSchema = z
  .object({
    kind: z.literal('slack'),
    /** The incoming webhook's URL: it is the credential, so it is a secret reference. */
    url: secretRef,
  })
  .strict();

const webhookNotifierSchema = z
  .object({
    kind: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
    /** The Standard Webhooks secret (`whsec_...`) the endpoint verifies with, as hookflow's forwards. */
    secret: secretRef,
  })
  .strict();

const notifierSchema = z.discriminatedUnion('kind', [slackNotifierSchema, webhookNotifierSchema], {
  error: 'a notifier needs "kind": "slack" or "webhook"',
});

const backlogSchema = z
  .object({
    /** Events acknowledged whose run is not started yet (hookflow_pending_starts). */
    maxPendingStarts: z.number().int().positive().optional(),
    /** Age of the oldest of those (hookflow_oldest_pending_start_age_seconds). */
    maxOldestPendingAge: duration.optional(),
    /** Runs started and not finished, parked ones included (hookflow_open_runs). */
    maxOpenRuns: z.number().int().positive().optional(),
    /** Per handler: attempts waiting in its task queue (hookflow_handler_waiting_attempts). */
    maxHandlerWaiting: z.number().int().positive().optional(),
    /** Per handler: how long the oldest of them has waited (hookflow_handler_oldest_wait_seconds). */
    maxHandlerOldestWait: duration.optional(),
    /** How often the thresholds are checked. */
    checkEvery: duration.default(60_000),
  })
  .strict()
  .refine((b) => [b.maxPendingStarts, b.maxOldestPendingAge, b.maxOpenRuns, b.maxHandlerWaiting, b.maxHandlerOldestWait].some((t) => t !== undefined), {
    message: 'set at least one of maxPendingStarts, maxOldestPendingAge, maxOpenRuns, maxHandlerWaiting, maxHandlerOldestWait (or leave backlog out)',
  });

export const alertsSchema = z
  .object({
    notifiers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and - (max 63)'), notifierSchema),
    /** Alerts raised within this window after the first one go out as one message. */
    batchWindow: duration.default(30_000),
    backlog: backlogSchema.optional(),
  })
  .strict();

export type NotifierConfig =
  | { readonly kind: 'slack'; readonly name: string; readonly url: string }
  | { readonly kind: 'webhook'; readonly name: string; readonly url: string; readonly secret: string };

export interface BacklogThresholds {
  readonly maxPendingStarts?: number;
  readonly maxOldestPendingAgeMs?: number;
  readonly maxOpenRuns?: number;
  readonly maxHandlerWaiting?: number;
  readonly maxHandlerOldestWaitMs?: number;
  readonly checkEveryMs: number;
}

export interface AlertsConfig {
  /** By name; empty: no alerts are sent. */
  readonly notifiers: ReadonlyMap<string, NotifierConfig>;
  readonly batchWindowMs: number;
  /** Undefined: the backlog is not watched. */
  readonly backlog: BacklogThresholds | undefined;
}

export const NO_ALERTS: AlertsConfig = { notifiers: new Map(), batchWindowMs: 30_000, backlog: undefined };

/** Resolves the notifiers' secrets; problems are reported (naming the setting, never its value), not thrown. */
export function resolveAlerts(
  raw: z.infer<typeof alertsSchema> | undefined,
  ctx: { readonly env: NodeJS.ProcessEnv; readonly baseDir: string; readonly problem: (line: string) => void },
): AlertsConfig {
  if (!raw) return NO_ALERTS;
  const notifiers = new Map<string, NotifierConfig>();
  for (const [name, notifier] of Object.entries(raw.notifiers)) {
    const where = `alerts.notifiers.${name}`;
    if (notifier.kind === 'slack') {
      const url = resolveSecret(notifier.url, ctx.env, ctx.baseDir, (msg) => ctx.problem(`${where}.url: ${msg}`)) ?? '';
      if (url !== '' && !isHttpUrl(url)) ctx.problem(`${where}.url: not an http(s) URL (a Slack incoming webhook URL looks like https://hooks.slack.com/services/...)`);
      notifiers.set(name, { kind: 'slack', name, url });
    } else {
      const secret = resolveSecret(notifier.secret, ctx.env, ctx.baseDir, (msg) => ctx.problem(`${where}.secret: ${msg}`)) ?? '';
      if (secret !== '' && !isSigningSecret(secret)) ctx.problem(`${where}.secret: must be whsec_ followed by base64, e.g. whsec_$(openssl rand -base64 32)`);
      notifiers.set(name, { kind: 'webhook', name, url: notifier.url, secret });
    }
  }
  if (notifiers.size === 0 && raw.backlog) ctx.problem('alerts.backlog: no notifier to tell; add one under alerts.notifiers');
  const backlog = raw.backlog && {
    ...(raw.backlog.maxPendingStarts === undefined ? {} : { maxPendingStarts: raw.backlog.maxPendingStarts }),
    ...(raw.backlog.maxOldestPendingAge === undefined ? {} : { maxOldestPendingAgeMs: raw.backlog.maxOldestPendingAge }),
    ...(raw.backlog.maxOpenRuns === undefined ? {} : { maxOpenRuns: raw.backlog.maxOpenRuns }),
    ...(raw.backlog.maxHandlerWaiting === undefined ? {} : { maxHandlerWaiting: raw.backlog.maxHandlerWaiting }),
    ...(raw.backlog.maxHandlerOldestWait === undefined ? {} : { maxHandlerOldestWaitMs: raw.backlog.maxHandlerOldestWait }),
    checkEveryMs: raw.backlog.checkEvery,
  };
  return { notifiers, batchWindowMs: raw.batchWindow, backlog };
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
