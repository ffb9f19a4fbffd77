/*
 * Each handler's attempts run on a task queue of their own, so that Temporal applies the handler's
 * flow control to exactly its attempts: the server-side rate limit (all workers together), the pause
 * (a queue rate limit of 0, src/flow/queue-limits.ts) and the backlog count. Pure: workflows import it.
 */

/** The activity task queue of `handler`'s attempts, next to the event runs' queue `eventQueue`. */
export function handlerTaskQueue(eventQueue: string, handler: string): string {
  return `${eventQueue}-handler-${handler}`;
}

/** The workflow ID of the permit workflow (workflows/handler-permits.ts) that bounds `handler`'s attempts in flight. */
export function handlerPermitsWorkflowId(eventQueue: string, handler: string): string {
  return `permits:${eventQueue}:${handler}`;
}

/** The workflow ID of `handler`'s circuit breaker (workflows/handler-breaker.ts). */
export function handlerBreakerWorkflowId(eventQueue: string, handler: string): string {
  return `breaker:${eventQueue}:${handler}`;
}

/** The handler whose attempts `taskQueue` holds, or undefined for another queue. */
export function handlerOfTaskQueue(eventQueue: string, taskQueue: string): string | undefined {
  const prefix = handlerTaskQueue(eventQueue, '');
  return taskQueue.startsWith(prefix) && taskQueue.length > prefix.length ? taskQueue.slice(prefix.length) : undefined;
}
