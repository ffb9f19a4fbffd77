import type { z } from 'zod';

/** What a provider sees of one HTTP delivery before its body is read. Everything here is untrusted input. */
export interface DeliveryHead {
  /** Header names lower-cased; repeated headers joined with ", " (Node's rule). */
  readonly headers: Readonly<Record<string, string>>;
  /** The absolute URL the sender called (the source's configured public URL when behind a proxy). */
  readonly url: string;
  /** Media type in lower case, without parameters ("application/json"). */
  readonly contentType: string;
}

/** The whole delivery, once its body is read. */
export interface WebhookRequest extends DeliveryHead {
  /** The body exactly as received: signatures are computed over these bytes, never over re-serialised JSON. */
  readonly rawBody: Buffer;
}

/** Per-source settings a provider verifies with. Secrets are already resolved from env/files. */
export interface VerifyContext<Options> {
  /** Every secret currently accepted; more than one during a rotation. Never empty. */
  readonly secrets: readonly string[];
  /** Maximum allowed distance between the signed timestamp and `now`, in seconds (both directions). */
  readonly toleranceSeconds: number;
  readonly now: Date;
  /** Provider-specific options, already validated by the provider's `optionsSchema`. */
  readonly options: Options;
}

/** The provider's own identifiers for an event. `eventId` missing means: fall back to the body's SHA-256. */
export interface EventIdentity {
  readonly eventId?: string;
  readonly eventType?: string;
}

/** A reply a provider requires instead of processing (Slack's url_verification challenge). */
export interface HandshakeReply {
  readonly status: number;
  readonly body: unknown;
}

/**
 * One way of signing webhooks. Verification has two steps, so that a request without a usable
 * signature costs no memory: `readSignature` sees only the head, before any of the body is read, and
 * `checkSignature` then checks the MAC over the raw bytes. `Claim` is what the first hands the second.
 */
export interface Provider<Options = Record<string, never>, Claim = unknown> {
  /** The name used in source configuration (`"provider": "stripe"`). */
  readonly name: string;
  /** The headers that carry its signature, lower-case (logs redact them); empty when each source names its own. */
  readonly signatureHeaders: readonly string[];
  /** Validates the `options` object of a source using this provider; omitted when it takes none. */
  readonly optionsSchema?: z.ZodType<Options>;
  /**
   * Whether the signature covers the event ID `identify` reports (a signed header, or a field of the
   * signed body). When it does not, anyone holding one signed delivery can resend it under a fresh ID,
   * so such sources are deduplicated by body as well (see SourceConfig.dedupByBody).
   */
  readonly signsEventId: boolean;
  /**
   * Set when the signature covers a form body's parameters rather than its bytes (Twilio: sorted by
   * name, each distinct value once), so reordered or repeated parameters still verify.
   */
  readonly signsFormParameters?: boolean;
  /** Tolerance used when the source sets none; undefined when the provider signs no timestamp. */
  readonly defaultToleranceSeconds?: number;
  /**
   * The shortest HMAC key accepted at start-up, in bytes: the provider's own secret length where it
   * documents one, else 16. A key is the secret's UTF-8 bytes unless `secretKey` decodes it.
   */
  readonly minSecretBytes: number;
  /** Returns what is wrong with a configured secret (checked at start-up), or undefined when it is usable. */
  checkSecret?(secret: string): string | undefined;
  /** The HMAC key a secret encodes (Standard Webhooks: base64 after `whsec_`); called only after `checkSecret` passed. */
  secretKey?(secret: string): Buffer;
  /**
   * True when the signature covers the URL the sender called: such a source must set `publicUrl`,
   * or the URL checked would be built from the request's own Host header, which the sender chooses.
   */
  readonly signsUrl?: boolean;
  /**
   * Before the body is read: parses the signature header(s), and checks a timestamp the headers carry
   * (signed, so the MAC check later covers it). Throws a WebhookRejection (missing_signature,
   * malformed_signature, missing_header, or a timestamp reason); returns what `checkSignature` needs.
   */
  readSignature(head: DeliveryHead, ctx: VerifyContext<Options>): Claim;
  /**
   * After the body is read: throws invalid_signature unless the MAC of one of the secrets matches,
   * and checks whatever else is signed inside the body (Linear's timestamp).
   */
  checkSignature(claim: Claim, req: WebhookRequest, ctx: VerifyContext<Options>): void;
  /** Extracts the event ID and type; called only after the signature passed, with the parsed body. */
  identify(req: WebhookRequest, body: unknown, options: Options): EventIdentity;
  /** Returns a reply when the delivery is a handshake to answer, not an event to store. */
  handshake?(req: WebhookRequest, body: unknown): HandshakeReply | undefined;
}
