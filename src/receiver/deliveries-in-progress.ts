import type { Middleware } from 'koa';

/**
 * How many webhook deliveries this receiver is answering right now, from routing to the answer,
 * refused ones included. The starter reads it to let a burst's acknowledgements go first.
 */
export class DeliveriesInProgress {
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Counts each request that passes through it until its answer is decided, whatever that is. */
  counting(): Middleware {
    return async (_ctx, next) => {
      this.#count++;
      try {
        await next();
      } finally {
        this.#count--;
      }
    };
  }
}
