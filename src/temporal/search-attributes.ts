import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ConnectionLike } from '@temporalio/client';

/*
 * hookflow's custom search attributes, defined once: the embedded server registers them at start
 * (`--search-attribute`), the service adds them to any other server (register-search-attributes.ts;
 * where the server refuses, an operator runs the commands below), and workflows and clients set
 * them through these typed keys. Safe to import from workflow code: the only runtime import is
 * @temporalio/common.
 */

/** Who sent the webhook: the configured source's id. */
export const WebhookSource = defineSearchAttributeKey('WebhookSource', SearchAttributeType.KEYWORD);
/** The provider whose signature scheme verified it (github, stripe, ...). */
export const WebhookProvider = defineSearchAttributeKey('WebhookProvider', SearchAttributeType.KEYWORD);
/** The provider's event type (push, invoice.paid, ...). */
export const WebhookEventType = defineSearchAttributeKey('WebhookEventType', SearchAttributeType.KEYWORD);
/** Where processing stands: processing, processed, failed (waiting for an operator), ignored, discarded. */
export const WebhookStatus = defineSearchAttributeKey('WebhookStatus', SearchAttributeType.KEYWORD);

/** The ordering key of an event whose route orders its events (`ordering` in routes): all events of one entity. */
export const WebhookOrderingKey = defineSearchAttributeKey('WebhookOrderingKey', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [WebhookSource, WebhookProvider, WebhookEventType, WebhookStatus, WebhookOrderingKey] as const;

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

type AddSearchAttributesRequest = Parameters<ConnectionLike['operatorService']['addSearchAttributes']>[0];
/** temporal.api.enums.v1.IndexedValueType */
export type IndexedValueType = NonNullable<AddSearchAttributesRequest['searchAttributes']>[string];

/** temporal.api.enums.v1.IndexedValueType, by the SDK's type names (values from the proto). */
export const INDEXED_VALUE_TYPES: Record<SearchAttributeType, IndexedValueType> = {
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

/** The Temporal CLI commands that create the attributes, one per type: for a server that lets only its operators. */
export function searchAttributeCreateCommands(namespace: string): string[] {
  const types = [...new Set(SEARCH_ATTRIBUTES.map((key) => key.type))];
  return types.map((type) => {
    const names = SEARCH_ATTRIBUTES.filter((key) => key.type === type).map((key) => `--name ${key.name}`);
    return `temporal operator search-attribute create --namespace ${namespace} ${names.join(' ')} --type ${CLI_TYPE_NAMES[type]}`;
  });
}
