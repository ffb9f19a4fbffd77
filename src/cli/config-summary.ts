import type { NotifierConfig } from '../config/alerts';
import { formatDuration } from '../config/duration';
import type { HandlerConfig } from '../config/handlers';
import type { OrderingSettings, RouteConfig } from '../config/routes';
import type { HookflowConfig, SourceConfig } from '../config/sources';

/*
 * What `config check` shows of a loaded config: its shape, never a secret. Secrets are counted,
 * handler headers are named without their values, and URLs lose any credentials and query.
 */

export interface SourceSummary {
  readonly name: string;
  readonly provider: string;
  readonly secrets: number;
  readonly toleranceSeconds: number | null;
  readonly maxBodyBytes: number;
  readonly eventId: string;
  readonly endpoint: string;
  readonly routes: readonly RouteSummary[];
}

export interface RouteSummary {
  readonly match: string;
  readonly handlers: readonly string[];
  readonly maximumAttempts: number;
  readonly timeout: string;
  readonly waitForOperator: string;
  /** `field data.customer (block, 2s)`: where the ordering key is, onFailure and the reorder window; null when unordered. */
  readonly ordering: string | null;
}

export interface HandlerSummary {
  readonly name: string;
  readonly kind: string;
  readonly target: string;
  readonly headerNames: readonly string[];
}

export interface NotifierSummary {
  readonly name: string;
  readonly kind: string;
  /** A webhook's URL without credentials or query; a Slack URL is a credential and never shown. */
  readonly target: string;
  readonly batchWindow: string;
}

export interface ConfigSummary {
  readonly sources: readonly SourceSummary[];
  readonly handlers: readonly HandlerSummary[];
  readonly notifiers: readonly NotifierSummary[];
}

export function summarizeConfig(config: HookflowConfig): ConfigSummary {
  const batchWindow = formatDuration(config.alerts.batchWindowMs);
  return {
    sources: [...config.sources.values()].map(source),
    handlers: [...config.handlers.values()].map(handler),
    notifiers: [...config.alerts.notifiers.values()].map((n) => notifier(n, batchWindow)),
  };
}

function source(s: SourceConfig): SourceSummary {
  const rule = s.eventId;
  return {
    name: s.name,
    provider: s.provider.name,
    secrets: s.secrets.length,
    toleranceSeconds: s.toleranceSeconds ?? null,
    maxBodyBytes: s.maxBodyBytes,
    eventId: rule === undefined ? 'provider' : 'header' in rule ? `header ${rule.header}` : `field ${rule.field}`,
    endpoint: `POST /webhooks/${s.name}`,
    routes: s.routes.map(route),
  };
}

function route(r: RouteConfig): RouteSummary {
  const parts = [
    r.match.type === undefined ? undefined : `type ${r.match.type}`,
    r.match.typePrefix === undefined ? undefined : `type ${r.match.typePrefix}*`,
    r.match.field === undefined ? undefined : `${r.match.field.path} = ${JSON.stringify(r.match.field.equals)}`,
  ].filter((part) => part !== undefined);
  return {
    match: parts.length > 0 ? parts.join(' and ') : 'every event',
    handlers: r.handlers,
    maximumAttempts: r.retry.maximumAttempts,
    timeout: formatDuration(r.timeoutMs),
    waitForOperator: formatDuration(r.waitForOperatorMs),
    ordering: r.ordering === undefined ? null : ordering(r.ordering),
  };
}

function ordering(o: OrderingSettings): string {
  const key = 'field' in o.key ? `field ${o.key.field}` : `header ${o.key.header}`;
  return `${key} (${o.onFailure}, ${formatDuration(o.reorderWindowMs)})`;
}

function handler(h: HandlerConfig): HandlerSummary {
  if (h.kind === 'module') return { name: h.name, kind: h.kind, target: `${h.modulePath}#${h.exportName}`, headerNames: [] };
  return { name: h.name, kind: h.kind, target: withoutCredentials(h.url), headerNames: Object.keys(h.headers) };
}

function notifier(n: NotifierConfig, batchWindow: string): NotifierSummary {
  const target = n.kind === 'slack' ? 'Slack incoming webhook (URL not shown)' : withoutCredentials(n.url);
  return { name: n.name, kind: n.kind, target, batchWindow };
}

function withoutCredentials(text: string): string {
  const url = new URL(text);
  return `${url.origin}${url.pathname}`;
}
