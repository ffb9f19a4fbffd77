import { Binary } from 'mongodb';
import type { Client } from '@temporalio/client';
import type { Context, Middleware } from 'koa';
import type { HookflowConfig } from '../config/sources';
import { storedHeaders } from '../event/credential-headers';
import { eventKey } from '../event/key';
import { HttpRefusal } from '../http-refusal';
import type { Logger } from '../logger';
import type { EventStore } from '../store/events';
import type { RejectionLog } from '../store/rejections';
import { startEventWorkflow } from '../temporal/start-event';
import { bodyDigest, claimBody, storedBodyDigest, type OriginalEvent } from './body-dedup';
import type { BodyBudget, BodyReservation } from './body-budget';
import { resolveIdentity, sha256Hex } from './event-identity';
import { readRawBody } from './raw-body';
import { ReceiverRefusal } from './refusals';
import { acceptedBodyKind, deliveryHead, mediaType, parseDelivery } from './webhook-request';

export interface ReceiverDeps {
  readonly config: HookflowConfig;
  readonly store: EventStore;
  readonly temporal: Client;
  readonly taskQueue: string;
  /** How long the request may wait for Temporal before it is acknowledged anyway (the relay starts it later). */
  readonly startTimeoutMs: number;
  readonly logger: Logger;
  /** Caps the bodies held in memory across all requests; a request past it is answered 503 receiver_busy. */
  readonly bodyBudget: BodyBudget;
  /** Where refusals are recorded for diagnosis; recording never delays or changes the answer. */
  readonly rejections?: RejectionLog;
  readonly now?: () => Date;
  /** Told of every run this receiver started, so its relay never asks Temporal about those again. */
  readonly onStarted?: (eventRef: string) => void;
}

/**
 * `POST /webhooks/:source`: verify, store, start, answer. The event is written to MongoDB before
 * any 2xx, so once acknowledged it is never lost; starting the workflow is best effort here and
 * guaranteed by the relay.
 */
export function receiveWebhook(deps: ReceiverDeps): Middleware {
  const handle = handleDelivery(deps);
  return async (ctx) => {
    const reservation = deps.bodyBudget.reserve();
    try {
      await handle(ctx, reservation);
    } catch (err) {
      if (err instanceof HttpRefusal && deps.rejections) {
        const declared = Number(ctx.get('content-length'));
        deps.rejections
          .record({
            at: new Date(),
            source: String(ctx.params.source ?? '').slice(0, 64),
            reason: err.reason,
            headerNames: Object.keys(ctx.req.headers).slice(0, 50),
            contentType: mediaType(ctx).slice(0, 100),
            bodyBytes: Number.isSafeInteger(declared) ? declared : null,
          })
          .catch((recordErr: unknown) =>
            deps.logger.warn({ err: { name: (recordErr as Error).name } }, 'could not record a rejection'),
          );
      }
      throw err;
    } finally {
      // The body (and what is made of it) is held until the answer: only then are its bytes given back.
      reservation.release();
    }
  };
}

/** 200: the event was already received (named in the answer); nothing new is stored or started. */
function answerDuplicate(ctx: Context, original: OriginalEvent): void {
  ctx.status = 200;
  ctx.body = { status: 'duplicate', eventId: original.eventId, workflowId: original._id };
}

/**
 * Records on the body's key that its event is stored. The event is stored either way, so a failure
 * only costs this: should retention remove the event, a later copy of the body would be stored anew.
 */
async function markBodyStored(deps: ReceiverDeps, keyId: string, log: Logger): Promise<void> {
  try {
    await deps.store.bodyKeys.markStored(keyId);
  } catch (err) {
    log.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'could not mark the body key stored');
  }
}

function handleDelivery(deps: ReceiverDeps): (ctx: Context, reservation: BodyReservation) => Promise<void> {
  const now = deps.now ?? (() => new Date());
  return async (ctx, reservation) => {
    const source = deps.config.sources.get(ctx.params.source ?? '');
    if (!source) throw new ReceiverRefusal('unknown_source', 'Unknown source');
    if (ctx.method !== 'POST') throw new ReceiverRefusal('method_not_allowed', 'Use POST');
    const kind = acceptedBodyKind(mediaType(ctx));
    const head = deliveryHead(ctx, source);
    const receivedAt = now();
    const verifying = {
      secrets: source.secrets,
      toleranceSeconds: source.toleranceSeconds ?? 0,
      now: receivedAt,
      options: source.options,
    };
    // Checked from the headers alone, before a byte of the body is read or held.
    const signature = source.provider.readSignature(head, verifying);
    const rawBody = await readRawBody(ctx.req, source.maxBodyBytes, reservation);
    const req = { ...head, rawBody };
    source.provider.checkSignature(signature, req, verifying);
    const body = parseDelivery(kind, rawBody);
    const handshake = source.provider.handshake?.(req, body);
    if (handshake) {
      ctx.status = handshake.status;
      ctx.body = handshake.body;
      return;
    }

    const bodySha256 = sha256Hex(rawBody);
    const resolved = resolveIdentity(source, req, body, bodySha256);
    // An ID that is the body's own hash already dedups by body.
    const byBody = source.dedupByBody && resolved.idFrom !== 'body-sha256';
    const digest = byBody ? bodyDigest(source.provider, req.contentType, rawBody) : bodySha256;
    const claim = byBody ? await claimBody(deps.store, source.provider, source.name, digest, resolved, receivedAt) : undefined;
    if (claim?.kind === 'duplicate') {
      deps.logger.info({ source: source.name, eventId: claim.original.eventId, sentId: resolved.eventId }, 'body already received; duplicate acknowledged');
      answerDuplicate(ctx, claim.original);
      return;
    }
    const { eventId, eventType } = claim ?? resolved;
    const workflowId = eventKey(source.name, eventId);
    const log = deps.logger.child({ source: source.name, eventId, workflowId });
    const outcome = await deps.store.insert(
      {
        source: source.name,
        provider: source.provider.name,
        eventId,
        eventType,
        body: new Binary(rawBody),
        bodySha256,
        contentType: req.contentType,
        headers: storedHeaders(req.headers, source.redactHeaders),
        receivedAt,
      },
      receivedAt,
      deps.startTimeoutMs + 5000,
    );

    if (outcome.kind === 'conflict') {
      // A Twilio form copy with reordered parameters has other bytes but is the same body (an
      // expired event keeps only the hash of its bytes, which the insert has compared already).
      const sameBody = claim !== undefined && outcome.event.status !== 'expired' && storedBodyDigest(source.provider, outcome.event) === digest;
      if (!sameBody) {
        // Untie this body from an event that holds another one, so it can still be stored under its own ID.
        if (claim) await deps.store.bodyKeys.release(claim.keyId, outcome.event._id);
        log.warn('same event ID with a different body; refused');
        throw new ReceiverRefusal('event_id_conflict', 'Event ID already received with a different body');
      }
    }
    // The key's event now holds this body, whoever stored it.
    if (claim) await markBodyStored(deps, claim.keyId, log);
    if (outcome.kind !== 'inserted') {
      log.info({ status: outcome.event.status }, 'duplicate delivery acknowledged');
      answerDuplicate(ctx, outcome.event);
      return;
    }

    let started = false;
    try {
      // No write after a successful start: the lease taken at insert keeps the relay away, and the
      // workflow's own first status update is then the only writer (FerretDB does not isolate
      // concurrent updates of one document, so a late write here could undo the worker's).
      await startEventWorkflow(deps.temporal, deps.taskQueue, outcome.event, deps.startTimeoutMs);
      started = true;
      deps.onStarted?.(outcome.event._id);
    } catch (err) {
      // Stored but not started: still acknowledged; the relay starts it once the lease taken at
      // insert has expired and Temporal answers. Nothing is written here: the start may in fact
      // have succeeded (a timeout), and then the workflow is the event's only writer.
      log.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'workflow start deferred to relay');
    }
    log.info({ eventType, started }, 'event accepted');
    ctx.status = 202;
    ctx.body = { status: 'accepted', eventId, workflowId, started };
  };
}
