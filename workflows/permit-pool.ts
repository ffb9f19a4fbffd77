/*
 * The permits of one handler, apart from Temporal: which event runs hold one of the handler's
 * `limit` permits (an attempt of theirs may be in flight), and which wait for one, in the order they
 * asked. The permit workflow (handler-permits.ts) keeps one; its state goes through
 * continue-as-new as plain JSON.
 */

export interface PermitPoolState {
  readonly limit: number;
  /** Event runs (workflow IDs) holding a permit. */
  readonly holders: readonly string[];
  /** Event runs waiting for one, oldest request first. */
  readonly waiting: readonly string[];
}

export class PermitPool {
  private limit: number;
  private readonly holders: string[];
  private readonly waiting: string[];

  constructor(state: PermitPoolState) {
    this.limit = state.limit;
    this.holders = [...state.holders];
    this.waiting = [...state.waiting];
  }

  /**
   * `ref` asks for a permit; `limit` is the handler's concurrency as its run's worker configured it
   * (the latest request's wins). Returns true when `ref` holds one already: a run that asks again
   * (a retried request, a run reset to its start) keeps its one permit and is told it again.
   */
  request(ref: string, limit: number): boolean {
    this.limit = limit;
    if (this.holders.includes(ref)) return true;
    if (!this.waiting.includes(ref)) this.waiting.push(ref);
    return false;
  }

  /** `ref` gives its permit back, or stops waiting. */
  release(ref: string): void {
    remove(this.holders, ref);
    remove(this.waiting, ref);
  }

  /** Gives free permits to the oldest waiting runs; returns them. */
  grant(): string[] {
    const granted: string[] = [];
    while (this.holders.length < this.limit && this.waiting.length > 0) {
      const next = this.waiting.shift();
      if (next === undefined) break;
      this.holders.push(next);
      granted.push(next);
    }
    return granted;
  }

  /** Every permit is taken and runs wait: the moment to check that the holders still exist. */
  congested(): boolean {
    return this.waiting.length > 0 && this.holders.length >= this.limit;
  }

  idle(): boolean {
    return this.holders.length === 0 && this.waiting.length === 0;
  }

  holding(): readonly string[] {
    return [...this.holders];
  }

  state(): PermitPoolState {
    return { limit: this.limit, holders: [...this.holders], waiting: [...this.waiting] };
  }
}

function remove(list: string[], ref: string): void {
  const index = list.indexOf(ref);
  if (index !== -1) list.splice(index, 1);
}
