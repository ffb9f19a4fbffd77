import { Binary } from 'mongodb';
import type { Context, Middleware } from 'koa';
import type { HookflowConfig } from '../config/sources';
import { storedHeaders } from '../event/credential-headers';
import { eventKey } from '../event/key';
import { HttpRefusal } from '../http-refusal';
import type { Logger } from '../logger';
import type { EventStore, StartableEvent, StoredEvent } from '../store/events';
import type { RejectionLog } from '../store/rejections';
import type { EventStarter } from '../temporal/starter';
import { bodyDigest, claimBody, storedBodyDigest, type OriginalEvent } from './body-dedup';
import type { BodyBudget, BodyReservation } from './body-budget';
import { resolveIdentity, sha256Hex } from './event-identity';
import type { LoadShedding } from './load-shedding';
import { readRawBody } from './raw-body';
import { ReceiverRefusal } from './refusals';
import { acceptedBodyKind, deliveryHead, mediaType, parseDelivery } from './webhook-request';

export interface ReceiverDeps {
  readonly config: HookflowConfig;
  readonly store: EventStore;
  /** Starts the workflows of stored events after their answer (the request never waits for Temporal). */
  readonly starter: EventStarter;
  /** Refuses deliveries (503) before their body is read while the backlog or the store is past its bound. */
  readonly loadShedding: LoadShedding;
  readonly logger: Logger;
  /** Caps the bodies held in memory across all requests; a request past it is answered 503 receiver_busy. */
  readonly bodyBudget: BodyBudget;
  /** Where refusals are recorded for diagnosis; recording never delays or changes the answer. */
  readonly rejections?: RejectionLog;
  readonly now?: () => Date;
}

/**
 * `POST /webhooks/:source`: verify, store, answer. The event, then its pending start, are written
 * to MongoDB before any 2xx, so once acknowledged it is never lost; the starter starts its workflow
 * after the answer, and a relay does if this receiver dies first.
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
 * Makes sure a stored event still `received` has a pending start, before its duplicate answer: its
 * first delivery's receiver may have died between storing it and recording its start (and never
 * answered). An event that has moved on already has its run, which owns it now.
 */
async function ensureStartOf(deps: ReceiverDeps, event: StoredEvent | null, now: Date): Promise<void> {
  if (event?.status !== 'received') return;
  const { _id, source, provider, eventId, eventType, receivedAt } = event;
  const startable: StartableEvent = { _id, source, provider, eventId, eventType, receivedAt };
  await deps.starter.submit(startable, now);
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
    // Too busy to take it now: refused before the body is read, so the sender retries later.
    deps.loadShedding.check();
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
      await ensureStartOf(deps, await deps.store.getStored(eventKey(source.name, claim.original.eventId)), receivedAt);
      answerDuplicate(ctx, claim.original);
      return;
    }
    const { eventId, eventType } = claim ?? resolved;
    const workflowId = eventKey(source.name, eventId);
    const log = deps.logger.child({ source: source.name, eventId, workflowId });
    // Nobody is waiting for the answer any more: store nothing (the sender will send it again).
    if (ctx.req.socket.destroyed) throw new ReceiverRefusal('sender_gone', 'The sender hung up');
    const outcome = await deps.loadShedding.timed(() => deps.store.insert(
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
    ));

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
      await ensureStartOf(deps, outcome.event, receivedAt);
      log.info({ status: outcome.event.status }, 'duplicate delivery acknowledged');
      answerDuplicate(ctx, outcome.event);
      return;
    }

    // Should this fail (or the process die) now, the event is stored but not acknowledged: the
    // provider's redelivery is a duplicate, which records the start (ensureStartOf).
    await deps.loadShedding.timed(() => deps.starter.submit(outcome.event, receivedAt));
    log.info({ eventType }, 'event accepted');
    ctx.status = 202;
    ctx.body = { status: 'accepted', eventId, workflowId };
  };
}
