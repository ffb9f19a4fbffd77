import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { readAtMostEvery } from './read-at-most-every';

export interface CheckResult {
  readonly ok: boolean;
  /** A failed required check makes the process not ready; the others are reported only. */
  readonly required: boolean;
  readonly ms: number;
  /** Short and generic ("timeout", an error's name): the answer may be public. */
  readonly error?: string;
  readonly state?: string;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

export interface ReadinessDeps {
  readonly db: Db;
  readonly temporal: Client;
  /** Indexes in place: the receiver refuses webhooks until then. */
  readonly storeReady: () => boolean;
  /**
   * This process's worker, when it runs one: ready once it polls. Only then is Temporal required:
   * a receiver keeps acknowledging webhooks while Temporal is away (the relay starts them later), so
   * a load balancer must not take it out of service for that.
   */
  readonly workerState?: () => string;
  readonly timeoutMs?: number;
  readonly cacheMs?: number;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  /** Resolves once no probe is in flight: closing the Temporal connection under one throws from a timer. */
  settle(): Promise<void>;
}

/**
 * Whether this process can do its work now: MongoDB answers a ping (and the indexes exist), Temporal
 * answers getSystemInfo, each within a short deadline. One result serves every caller for `cacheMs`,
 * so a load balancer polling hard costs the servers one check per second at most.
 */
export function createReadiness(deps: ReadinessDeps): Readiness {
  const timeoutMs = deps.timeoutMs ?? 1000;
  const cacheMs = deps.cacheMs ?? 1000;

  // A probe may outlive its answer (the gRPC client retries in the background until the deadline).
  const inFlight = new Set<Promise<unknown>>();
  const probe = (required: boolean, run: () => Promise<unknown>): Promise<CheckResult> => {
    const call = run();
    inFlight.add(call);
    const forget = (): void => void inFlight.delete(call);
    call.then(forget, forget);
    return timed(required, timeoutMs, call);
  };

  const check = async (): Promise<ReadinessReport> => {
    const [mongodb, temporal] = await Promise.all([
      probe(true, async () => {
        await deps.db.command({ ping: 1 });
        if (!deps.storeReady()) throw new NamedError('indexes_pending');
      }),
      probe(deps.workerState !== undefined, () =>
        deps.temporal.withDeadline(Date.now() + timeoutMs, () => deps.temporal.workflowService.getSystemInfo({})),
      ),
    ]);
    const checks: Record<string, CheckResult> = { mongodb, temporal };
    if (deps.workerState) {
      const state = deps.workerState();
      checks.worker = { ok: state === 'running', required: true, ms: 0, state };
    }
    return { ready: Object.values(checks).every((c) => c.ok || !c.required), checks };
  };

  return {
    check: readAtMostEvery(cacheMs, check),
    async settle() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

class NamedError extends Error {
  constructor(name: string) {
    super(name);
    this.name = name;
  }
}

async function timed(required: boolean, timeoutMs: number, call: Promise<unknown>): Promise<CheckResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NamedError('timeout')), timeoutMs);
  });
  try {
    await Promise.race([call, deadline]);
    return { ok: true, required, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, required, ms: Date.now() - started, error: err instanceof Error ? err.name : 'error' };
  } finally {
    clearTimeout(timer);
  }
}
