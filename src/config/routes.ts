import { z } from 'zod';
import { isSafePath } from '../providers/json-path';
import { formatDuration } from './duration';
import { durationSchema } from './duration-schema';
import { HTTP_HEADER_NAME } from './handlers';

/*
 * `sources.<name>.routes` and the top-level `defaults`: which handlers an event goes to, and how
 * hard each delivery is tried. Durations are strings with a unit (see duration.ts).
 */

const duration = durationSchema;

const retrySchema = z
  .object({
    initialInterval: duration.optional(),
    backoffCoefficient: z.number().min(1, 'at least 1').optional(),
    maximumInterval: duration.optional(),
    maximumAttempts: z.number().int().min(1, 'at least 1').optional(),
    /** How long after the first attempt retries stop, whatever the attempt count. */
    expiry: duration.optional(),
  })
  .strict();

const deliveryFields = {
  retry: retrySchema.optional(),
  /** One attempt's limit (Temporal's start-to-close timeout). */
  timeout: duration.optional(),
  /** When set, an attempt that has not heartbeated for this long is retried. */
  heartbeat: duration.optional(),
  /** How long a failed event waits for `redeliver` or `discard` before it completes as failed. */
  waitForOperator: duration.optional(),
};

export const defaultsSchema = z.object(deliveryFields).strict();

const matchSchema = z
  .object({
    /** Exact, or a glob when it holds `*` (any run of characters, dots included). */
    type: z.string().min(1).optional(),
    typePrefix: z.string().min(1).optional(),
    field: z
      .object({
        path: z.string().refine(isSafePath, 'a dotted path such as data.object.status'),
        equals: z.union([z.string(), z.number(), z.boolean(), z.null()], { error: 'a string, number, boolean or null' }),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((m) => m.type === undefined || m.typePrefix === undefined, 'give type or typePrefix, not both');

/** Two seconds: long enough for the runs of events received together to all reach their key's queue. */
export const DEFAULT_REORDER_WINDOW_MS = 2000;

const orderingSchema = z
  .object({
    /** Where the entity's identity is: a dotted path in the body, or a header. */
    key: z.union(
      [
        z.object({ field: z.string().refine(isSafePath, 'a dotted path such as data.object.customer') }).strict(),
        z.object({ header: z.string().regex(HTTP_HEADER_NAME, 'an HTTP header name such as x-entity-id').toLowerCase() }).strict(),
      ],
      { error: 'give { "field": "dotted.path" } or { "header": "name" }' },
    ),
    /** `block`: a failed event holds back the later ones of its key until an operator redelivers or discards it. */
    onFailure: z.enum(['block', 'skip'], { error: 'block (later events of the key wait for the failed one) or skip (they go on)' }).default('block'),
    /** How long an event waits, after it was received, for events received before it to join the queue. */
    reorderWindow: duration.optional(),
  })
  .strict();

export const routeSchema = z
  .object({
    match: matchSchema.default({}),
    /** Events of this route with the same key are handled one after another, in the order received. */
    ordering: orderingSchema.optional(),
    handlers: z
      .array(z.string().min(1))
      .min(1, 'name at least one handler')
      .refine((names) => new Set(names).size === names.length, 'name each handler once'),
    ...deliveryFields,
  })
  .strict();

export type RouteMatch = z.infer<typeof matchSchema>;

export interface RetrySettings {
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maximumIntervalMs: number;
  /** 0: no limit, `expiryMs` bounds the retries. */
  readonly maximumAttempts: number;
  readonly expiryMs: number | undefined;
}

export interface DeliverySettings {
  readonly retry: RetrySettings;
  readonly timeoutMs: number;
  readonly heartbeatMs: number | undefined;
  readonly waitForOperatorMs: number;
}

/** Where an ordering key is read. */
export type OrderingKeySource = { readonly field: string } | { readonly header: string };

export interface OrderingSettings {
  readonly key: OrderingKeySource;
  readonly onFailure: 'block' | 'skip';
  readonly reorderWindowMs: number;
}

export interface RouteConfig extends DeliverySettings {
  readonly match: RouteMatch;
  readonly ordering?: OrderingSettings;
  /** Handler names, each defined in the top-level `handlers`. */
  readonly handlers: readonly string[];
}

/** Ten attempts over about eight and a half minutes, 30 s each, then a week for an operator. */
export const BUILTIN_DELIVERY: DeliverySettings = {
  retry: { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 5 * 60_000, maximumAttempts: 10, expiryMs: undefined },
  timeoutMs: 30_000,
  heartbeatMs: undefined,
  waitForOperatorMs: 7 * 86_400_000,
};

const DEFAULT_ATTEMPTS = BUILTIN_DELIVERY.retry.maximumAttempts;

type DeliveryInput = z.infer<typeof defaultsSchema>;

/**
 * The route's settings over the file's `defaults` over the built-in ones, field by field. An
 * `expiry` given without `maximumAttempts` lifts the attempt limit: the expiry alone bounds retries.
 */
export function mergeDelivery(route: DeliveryInput, defaults: DeliveryInput): DeliverySettings {
  const base = BUILTIN_DELIVERY.retry;
  const retry = { ...defaults.retry, ...route.retry };
  const expiryMs = retry.expiry ?? base.expiryMs;
  return {
    retry: {
      initialIntervalMs: retry.initialInterval ?? base.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient ?? base.backoffCoefficient,
      maximumIntervalMs: retry.maximumInterval ?? base.maximumIntervalMs,
      maximumAttempts: retry.maximumAttempts ?? (expiryMs === undefined ? DEFAULT_ATTEMPTS : 0),
      expiryMs,
    },
    timeoutMs: route.timeout ?? defaults.timeout ?? BUILTIN_DELIVERY.timeoutMs,
    heartbeatMs: route.heartbeat ?? defaults.heartbeat ?? BUILTIN_DELIVERY.heartbeatMs,
    waitForOperatorMs: route.waitForOperator ?? defaults.waitForOperator ?? BUILTIN_DELIVERY.waitForOperatorMs,
  };
}

/** Combinations Temporal would refuse (or silently clamp) when the activity is scheduled. */
export function deliveryProblems(s: DeliverySettings): string[] {
  const problems: string[] = [];
  const { retry } = s;
  if (retry.maximumIntervalMs < retry.initialIntervalMs) {
    problems.push(`retry.maximumInterval (${formatDuration(retry.maximumIntervalMs)}) is shorter than retry.initialInterval (${formatDuration(retry.initialIntervalMs)})`);
  }
  if (s.heartbeatMs !== undefined && s.heartbeatMs >= s.timeoutMs) {
    problems.push(`heartbeat (${formatDuration(s.heartbeatMs)}) must be shorter than timeout (${formatDuration(s.timeoutMs)})`);
  }
  if (retry.expiryMs !== undefined && retry.expiryMs < s.timeoutMs) {
    problems.push(`retry.expiry (${formatDuration(retry.expiryMs)}) is shorter than one attempt's timeout (${formatDuration(s.timeoutMs)})`);
  }
  return problems;
}

type OrderingInput = z.infer<typeof orderingSchema>;

export function orderingSettings(input: OrderingInput): OrderingSettings {
  return { key: input.key, onFailure: input.onFailure, reorderWindowMs: input.reorderWindow ?? DEFAULT_REORDER_WINDOW_MS };
}
