import { setTimeout as sleep } from 'node:timers/promises';

export type FaultKind = 'kill-worker' | 'kill-receiver' | 'restart-temporal' | 'restart-mongo' | 'stop-destination';

/** One injected fault: what, when (ms since the stream started) and how long until all was back. */
export interface InjectedFault {
  readonly kind: FaultKind;
  readonly atMs: number;
  readonly tookMs: number;
}

export interface FaultActions {
  /** The first worker (of one or several). */
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** The first receiver: the others go on taking events. */
  killReceiver(): Promise<void>;
  startReceiver(): Promise<void>;
  restartTemporal(downMs: number): Promise<void>;
  restartMongo(downMs: number): Promise<void>;
  stopDestination(): Promise<void>;
  startDestination(): Promise<void>;
}

export interface FaultPlan {
  /** In this order, one after the other. */
  readonly faults: readonly FaultKind[];
  /** Pause before the first fault and between faults, while the stream goes on. */
  readonly gapMs: number;
  /** How long Temporal or MongoDB stays down at a restart. */
  readonly serverDownMs: number;
  /** How long the destination refuses connections. */
  readonly destinationDownMs: number;
}

/** Injects the plan's faults in turn, each followed by recovery, and returns what it did. */
export async function injectFaults(plan: FaultPlan, actions: FaultActions, log: (line: string) => void): Promise<InjectedFault[]> {
  const started = Date.now();
  const done: InjectedFault[] = [];
  for (const kind of plan.faults) {
    await sleep(plan.gapMs);
    const at = Date.now();
    log(`fault: ${kind} at ${((at - started) / 1000).toFixed(1)} s`);
    await inject(kind, plan, actions);
    done.push({ kind, atMs: at - started, tookMs: Date.now() - at });
    log(`fault: ${kind} recovered after ${((Date.now() - at) / 1000).toFixed(1)} s`);
  }
  return done;
}

async function inject(kind: FaultKind, plan: FaultPlan, actions: FaultActions): Promise<void> {
  switch (kind) {
    case 'kill-worker':
      await actions.killWorker();
      await actions.startWorker();
      return;
    case 'kill-receiver':
      await actions.killReceiver();
      await actions.startReceiver();
      return;
    case 'restart-temporal':
      await actions.restartTemporal(plan.serverDownMs);
      return;
    case 'restart-mongo':
      await actions.restartMongo(plan.serverDownMs);
      return;
    case 'stop-destination':
      await actions.stopDestination();
      await sleep(plan.destinationDownMs);
      await actions.startDestination();
      return;
  }
}
