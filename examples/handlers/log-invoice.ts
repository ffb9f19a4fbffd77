/**
 * An example handler module: logs each paid invoice. Compiled with the project (tsc puts it in
 * dist/examples/handlers/log-invoice.js) and named in the config file:
 *
 *   "handlers": { "log-invoice": { "kind": "module", "module": "../dist/examples/handlers/log-invoice.js" } }
 *
 * A handler may run more than once for the same event (a retry after a timeout, a redelivery), so
 * whatever it does should be safe to repeat: key effects on `event.source` + `event.eventId`.
 */
import { NonRetryableHandlerError, type HandlerContext, type HandlerEvent } from '../../activities/handler-api';
import { readPath } from '../../src/providers/json-path';

interface Invoice {
  readonly id: string;
  readonly amount_paid: number;
  readonly currency: string;
}

/** The body is whatever the sender sent: check its shape before trusting it. */
function invoiceOf(body: unknown): Invoice | undefined {
  const [id, amountPaid, currency] = ['id', 'amount_paid', 'currency'].map((field) => readPath(body, `data.object.${field}`));
  if (typeof id !== 'string' || typeof amountPaid !== 'number' || typeof currency !== 'string') return undefined;
  return { id, amount_paid: amountPaid, currency };
}

export default async function logInvoice(event: HandlerEvent, ctx: HandlerContext): Promise<void> {
  const invoice = invoiceOf(event.body);
  // Retrying cannot fix a payload without an invoice: fail now and let an operator look.
  if (!invoice) throw new NonRetryableHandlerError(`event ${event.eventId} carries no invoice`);

  // Long work would call ctx.heartbeat() now and then, and pass ctx.signal to fetch and the like.
  ctx.heartbeat();
  const amount = (invoice.amount_paid / 100).toFixed(2);
  console.log(`[${event.source}] invoice ${invoice.id} paid: ${amount} ${invoice.currency.toUpperCase()} (attempt ${ctx.attempt})`);
}
