import type { Context } from 'koa';
import type { z } from 'zod';
import { formatIssues } from '../config/errors';
import { OpsError } from '../ops/context';
import { readRawBody } from '../receiver/raw-body';

/** Admin requests carry a few small fields at most. */
const MAX_ADMIN_BODY_BYTES = 16 * 1024;

/** The request's JSON body checked against `schema`; an empty body counts as `{}`. */
export async function jsonBody<T>(ctx: Context, schema: z.ZodType<T>): Promise<T> {
  const raw = await readRawBody(ctx.req, MAX_ADMIN_BODY_BYTES);
  let value: unknown = {};
  if (raw.length > 0) {
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new OpsError('bad_request', 'The body must be JSON');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new OpsError('bad_request', `Invalid body:\n${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}
