import { ReceiverRefusal } from './refusals';

/** One request's share of the budget: it grows as the request's body is read, and is given back once. */
export interface BodyReservation {
  /** Grows the reservation to `totalBytes`; throws receiver_busy, taking nothing, when the budget cannot cover it. */
  cover(totalBytes: number): void;
  /** Gives every reserved byte back. Later calls do nothing. */
  release(): void;
}

/**
 * The bytes of request bodies held in memory by all requests of this process together, against a cap:
 * without one, a few thousand slow uploads, each under its source's limit, would hold gigabytes.
 */
export class BodyBudget {
  #heldBytes = 0;

  constructor(readonly capacityBytes: number) {}

  get heldBytes(): number {
    return this.#heldBytes;
  }

  reserve(): BodyReservation {
    let reserved = 0;
    let released = false;
    return {
      cover: (totalBytes) => {
        if (released) throw new Error('hookflow: a released body reservation cannot grow');
        const more = totalBytes - reserved;
        if (more <= 0) return;
        if (this.#heldBytes + more > this.capacityBytes) {
          throw new ReceiverRefusal('receiver_busy', 'Too many request bodies in progress; try again later');
        }
        this.#heldBytes += more;
        reserved = totalBytes;
      },
      release: () => {
        if (released) return;
        released = true;
        this.#heldBytes -= reserved;
        reserved = 0;
      },
    };
  }
}
