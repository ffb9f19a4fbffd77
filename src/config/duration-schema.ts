import { z } from 'zod';
import { DURATION_HINT, parseDuration } from './duration';

/** A duration setting of the config file (`500ms`, `30s`, `5m`, `2h`, `7d`), in milliseconds. Apart from duration.ts, which workflows import without zod. */
export const durationSchema = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: DURATION_HINT });
  return ms ?? 0;
});
