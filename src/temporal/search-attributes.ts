import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Connection } from '@temporalio/client';

/*
 * hookflow's custom search attributes, defined once: the embedded server registers them at start
 * (`--search-attribute`), `ensureSearchAttributes` adds them to any other server, and workflows
 * and clients set them through these typed keys. Safe to import from workflow code: the only
 * runtime import is @temporalio/common.
 */

/** Who sent the webhook: the configured source's id. */
export const WebhookSource = defineSearchAttributeKey('WebhookSource', SearchAttributeType.KEYWORD);
/** The provider whose signature scheme verified it (github, stripe, ...). */
export const WebhookProvider = defineSearchAttributeKey('WebhookProvider', SearchAttributeType.KEYWORD);
/** The provider's event type (push, invoice.paid, ...). */
export const WebhookEventType = defineSearchAttributeKey('WebhookEventType', SearchAttributeType.KEYWORD);
/** Where processing stands: processing, processed, failed (waiting for an operator), ignored, discarded. */
export const WebhookStatus = defineSearchAttributeKey('WebhookStatus', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [WebhookSource, WebhookProvider, WebhookEventType, WebhookStatus] as const;

/** The CLI's spelling of each type, for `temporal server start-dev --search-attribute Name=Type`. */
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

type AddSearchAttributesRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];
/** temporal.api.enums.v1.IndexedValueType */
type IndexedValueType = NonNullable<AddSearchAttributesRequest['searchAttributes']>[string];

/** temporal.api.enums.v1.IndexedValueType, by the SDK's type names (values from the proto). */
const INDEXED_VALUE_TYPES: Record<SearchAttributeType, IndexedValueType> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};

/** `Name=Type` values for the dev server's repeatable `--search-attribute` flag. */
export function searchAttributeFlags(): string[] {
  return SEARCH_ATTRIBUTES.map((key) => `${key.name}=${CLI_TYPE_NAMES[key.type]}`);
}

/**
 * Registers the attributes on a running server (one not started with the flags above): adds the
 * missing ones, leaves existing ones alone, and fails if one exists with another type.
 * Idempotent, also when two processes race to add the same attribute.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
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
    if (!isAlreadyExists(err)) throw err;
  }
  return names;
}

/** gRPC status 6, ALREADY_EXISTS (checked by number: @grpc/grpc-js is no dependency of ours). */
function isAlreadyExists(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 6;
}
