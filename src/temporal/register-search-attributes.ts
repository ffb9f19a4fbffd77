import { isGrpcDeadlineError, type ConnectionLike } from '@temporalio/client';
import { retryUntilDone } from '../lifecycle/retry';
import type { Logger } from '../logger';
import { GRPC, grpcCode, grpcDetails } from './grpc-status';
import { INDEXED_VALUE_TYPES, SEARCH_ATTRIBUTES, searchAttributeCreateCommands, type IndexedValueType } from './search-attributes';

/**
 * Adds hookflow's search attributes to the namespace: the missing ones, leaving existing ones
 * alone, failing if one exists with another type. Idempotent, also when two processes race.
 * Returns the names it added.
 */
export async function ensureSearchAttributes(connection: Pick<ConnectionLike, 'operatorService'>, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const custom = existing.customAttributes ?? {};
  const missing: Record<string, IndexedValueType> = {};
  for (const key of SEARCH_ATTRIBUTES) {
    const wanted = INDEXED_VALUE_TYPES[key.type];
    const have = custom[key.name];
    if (have === undefined) missing[key.name] = wanted;
    else if (have !== wanted) {
      throw new Error(`search attribute ${key.name} exists in namespace ${namespace} with another type (${String(have)}); hookflow needs ${key.type}`);
    }
  }
  const names = Object.keys(missing);
  if (names.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (err) {
    if (grpcCode(err) !== GRPC.ALREADY_EXISTS) throw err;
  }
  return names;
}

/** How it ended: added some, all were there, the server refused (warned), or stopped first. */
export type RegistrationOutcome = 'registered' | 'present' | 'refused' | 'stopped';

export interface SearchAttributeRegistrationOptions {
  readonly connection: ConnectionLike;
  readonly namespace: string;
  readonly logger: Logger;
  /** Deadline of each attempt; default 3 s (a stop waits for the attempt in flight). */
  readonly timeoutMs?: number;
}

/**
 * Registers the search attributes from every hookflow process, in the background: it retries while
 * Temporal does not answer (start-up is never blocked by that), and where the server refuses (no
 * operator rights, as on Temporal Cloud, or a visibility store's limit) it warns once with the
 * commands an operator runs instead, and the service goes on storing and acknowledging webhooks.
 */
export class SearchAttributeRegistration {
  private readonly abort = new AbortController();
  private running: Promise<RegistrationOutcome> | undefined;

  constructor(private readonly opts: SearchAttributeRegistrationOptions) {}

  start(): void {
    this.running = this.run();
  }

  /** Resolves with the outcome once done (or stopped). */
  async settled(): Promise<RegistrationOutcome> {
    return (await this.running) ?? 'stopped';
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async run(): Promise<RegistrationOutcome> {
    const { namespace, logger } = this.opts;
    const done = await retryUntilDone(() => this.attempt(), {
      what: `registering search attributes in namespace ${namespace}`,
      logger,
      signal: this.abort.signal,
    });
    return done?.value ?? 'stopped';
  }

  /** Throws (and is retried) only while Temporal does not answer. */
  private async attempt(): Promise<RegistrationOutcome> {
    const { connection, namespace, logger } = this.opts;
    try {
      const added = await connection.withDeadline(Date.now() + (this.opts.timeoutMs ?? 3000), () => ensureSearchAttributes(connection, namespace));
      if (added.length === 0) return 'present';
      logger.info({ namespace, added }, 'registered search attributes');
      return 'registered';
    } catch (err) {
      const code = grpcCode(err);
      if (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED || isGrpcDeadlineError(err)) throw err;
      const commands = searchAttributeCreateCommands(namespace);
      logger.warn(
        { namespace, reason: grpcDetails(err), commands },
        `could not register hookflow's search attributes in namespace ${namespace}, and Temporal refuses hookflow's workflows without them: have an operator run ${commands.join(' && ')}`,
      );
      return 'refused';
    }
  }
}
