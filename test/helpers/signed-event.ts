import { createHash, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A Standard Webhooks delivery: its ID, raw body and headers, signed by the reference library. */
export interface SignedDelivery {
  readonly id: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/**
 * A `whsec_` secret made from a readable seed (a random one when omitted), as a sender's dashboard
 * shows one: its key is the seed's SHA-256, 32 bytes, so distinct seeds give distinct secrets of a
 * real secret's length.
 */
export function standardSecret(seed: string = randomUUID()): string {
  return 'whsec_' + createHash('sha256').update(seed).digest('base64');
}

/**
 * Signs `body` as a Standard Webhooks sender does, with the `standardwebhooks` package (not our
 * verifier's code), timestamped now unless `at` is given.
 */
export function signStandard(secret: string, body: string, id = `msg_${randomUUID()}`, at = new Date()): SignedDelivery {
  return {
    id,
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, body),
    },
  };
}
