import type { ModuleHandlerConfig } from '../src/config/handlers';
import type { EventDocument } from '../src/store/events';
import type { HandlerContext, WebhookHandler } from './handler-api';
import type { AttemptSuccess } from './handler-attempt';
import { handlerEvent } from './handler-event';

/**
 * The `module` handler kind: a function from the user's own compiled module, run in the worker as
 * an activity. Loaded once when the worker starts, so a missing module or export stops the start.
 */
export function loadModuleHandler(config: ModuleHandlerConfig): WebhookHandler {
  // A path from the operator's own config file, already checked to resolve.
  const loaded: unknown = require(config.modulePath);
  const exported = pick(loaded, config.exportName);
  if (typeof exported !== 'function') {
    throw new TypeError(`hookflow: handler "${config.name}": ${config.modulePath} has no function export "${config.exportName}"`);
  }
  return async (event, ctx) => {
    const result: unknown = Reflect.apply(exported, undefined, [event, ctx]);
    await result;
  };
}

/** `module.exports = fn` counts as the default export. */
function pick(loaded: unknown, name: string): unknown {
  if (name === 'default' && typeof loaded === 'function') return loaded;
  if ((typeof loaded === 'object' || typeof loaded === 'function') && loaded !== null && Object.hasOwn(loaded, name)) {
    const value: unknown = Reflect.get(loaded, name);
    return value;
  }
  return undefined;
}

export async function runModuleHandler(handler: WebhookHandler, event: EventDocument, ctx: HandlerContext): Promise<AttemptSuccess> {
  await handler(handlerEvent(event), ctx);
  return {};
}
