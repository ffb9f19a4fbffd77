import { z } from 'zod';
import { fromBase64, fromHex, type HmacAlgorithm } from './crypto';
import { isSafePath, readPath } from './json-path';
import { WebhookRejection } from './rejection';
import { BODY, checkMac, type MacClaim } from './signed-mac';
import { checkTimestamp } from './timestamp';
import type { DeliveryHead, Provider } from './types';

export interface GenericHmacOptions {
  /** Header carrying the signature(s); several may be separated by commas or spaces. */
  readonly header: string;
  readonly algorithm: HmacAlgorithm;
  readonly encoding: 'hex' | 'base64';
  /** Stripped from each signature, e.g. `sha256=`; a signature without it is ignored. */
  readonly prefix?: string;
  /** `body`, or a template over `{timestamp}`, `{body}` and `{id}` such as `{timestamp}.{body}`. */
  readonly signed: string;
  readonly timestampHeader?: string;
  readonly idHeader?: string;
  readonly idField?: string;
  readonly typeHeader?: string;
  readonly typeField?: string;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const headerName = z.string().trim().min(1).toLowerCase();
const jsonPath = z.string().refine(isSafePath, 'must be a dotted path without __proto__, constructor or prototype');

function template(signed: string): string {
  return signed === 'body' ? '{body}' : signed;
}

const optionsSchema = z
  .object({
    header: headerName,
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    prefix: z.string().regex(/^[^\s,]+$/, 'must be non-empty, without spaces or commas').optional(),
    signed: z.string().min(1).default('body'),
    timestampHeader: headerName.optional(),
    idHeader: headerName.optional(),
    idField: jsonPath.optional(),
    typeHeader: headerName.optional(),
    typeField: jsonPath.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const names = [...template(o.signed).matchAll(PLACEHOLDER)].map((m) => m[1]);
    const problem = (path: string, message: string): void => {
      ctx.addIssue({ code: 'custom', path: [path], message });
    };
    for (const name of names) {
      if (name !== 'timestamp' && name !== 'body' && name !== 'id') {
        problem('signed', `unknown placeholder {${name}}; use {timestamp}, {body} or {id}`);
      }
    }
    if (!names.includes('body')) problem('signed', 'must include {body}, or the body is not authenticated');
    // An unsigned timestamp can be rewritten by anyone, so checking it would protect nothing.
    if (names.includes('timestamp') !== (o.timestampHeader !== undefined)) {
      problem('timestampHeader', 'set timestampHeader exactly when signed includes {timestamp}');
    }
    if (names.includes('id') && o.idHeader === undefined) problem('idHeader', 'required when signed includes {id}');
    // An unsigned ID header can be rewritten by anyone, so each resend of one signed body would be a new event.
    if (o.idHeader !== undefined && !names.includes('id')) {
      problem('idHeader', 'the event ID header must be signed: add {id} to signed (e.g. "{id}.{body}"), or use idField');
    }
    if (o.idHeader !== undefined && o.idField !== undefined) problem('idField', 'set idHeader or idField, not both');
    if (o.typeHeader !== undefined && o.typeField !== undefined) problem('typeField', 'set typeHeader or typeField, not both');
  });

/** HMAC over the body (or a template around it), configured per source for senders without a built-in verifier. */
export const genericHmac: Provider<GenericHmacOptions, MacClaim> = {
  name: 'generic-hmac',
  // Each source names its own header (options.header).
  signatureHeaders: [],
  // An idHeader must be in `signed` ({id}, enforced by the options schema); an idField is in the signed body.
  signsEventId: true,
  // A secret the user chooses: 16 bytes, the floor for a key nobody can guess.
  minSecretBytes: 16,
  // Applies only to sources with a timestampHeader; others sign no time.
  defaultToleranceSeconds: 300,
  optionsSchema,

  readSignature(head, ctx) {
    const o = ctx.options;
    const header = head.headers[o.header];
    if (!header) throw new WebhookRejection('missing_signature', `Missing ${o.header} header`);

    const candidates: Buffer[] = [];
    for (const token of header.split(/[\s,]+/)) {
      if (o.prefix !== undefined && !token.startsWith(o.prefix)) continue;
      const value = o.prefix === undefined ? token : token.slice(o.prefix.length);
      const bytes = o.encoding === 'hex' ? fromHex(value) : fromBase64(value);
      if (bytes) candidates.push(bytes);
    }
    if (candidates.length === 0) throw new WebhookRejection('malformed_signature', `No ${o.encoding} signature in header`);

    let timestamp: string | undefined;
    if (o.timestampHeader !== undefined) {
      timestamp = head.headers[o.timestampHeader];
      checkTimestamp(timestamp, ctx.toleranceSeconds, ctx.now);
    }
    return { algorithm: o.algorithm, candidates, signed: signedParts(head, o, timestamp) };
  },

  checkSignature(claim, req, ctx) {
    checkMac(claim, ctx.secrets, req.rawBody);
  },

  identify(req, body, o) {
    return {
      eventId: o.idHeader !== undefined ? req.headers[o.idHeader] : fieldText(body, o.idField),
      eventType: o.typeHeader !== undefined ? req.headers[o.typeHeader] : fieldText(body, o.typeField),
    };
  },
};

/** The template with the header values filled in, and BODY where the body goes. */
function signedParts(head: DeliveryHead, o: GenericHmacOptions, timestamp: string | undefined): MacClaim['signed'] {
  return template(o.signed)
    .split(/(\{(?:timestamp|body|id)\})/)
    .map((piece) => {
      if (piece === '{body}') return BODY;
      if (piece === '{timestamp}') return timestamp ?? '';
      if (piece !== '{id}') return piece;
      const id = o.idHeader === undefined ? undefined : head.headers[o.idHeader];
      if (!id) throw new WebhookRejection('missing_header', `Missing ${o.idHeader ?? 'id'} header`);
      return id;
    });
}

/**
 * A string or integer at `path`, as text; IDs are often numeric in JSON. Only safe integers: a
 * larger number has already lost digits in JSON.parse, so two different IDs could read the same.
 */
function fieldText(body: unknown, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const value = readPath(body, path);
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;
}
