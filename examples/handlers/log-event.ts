/**
 * The handler of the development config (config/hookflow.dev.json): prints one line per event, so
 * `npm start` + `npm run send-sample` show an event going all the way through.
 */
import type { HandlerContext, HandlerEvent } from '../../activities/handler-api';

export default async function logEvent(event: HandlerEvent, ctx: HandlerContext): Promise<void> {
  console.log(`[${event.source}] ${event.eventType ?? '(no type)'} ${event.eventId} handled (attempt ${ctx.attempt})`);
}
