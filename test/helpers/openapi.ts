import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/config/paths';
import { isRecord, validate } from './json-schema';
import { parseYaml } from './yaml';

export const SPEC_PATH = join(repoRoot(), 'docs', 'openapi.yaml');

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** One documented answer: an operation and a status. */
export interface DocumentedAnswer {
  readonly method: string;
  readonly path: string;
  readonly status: string;
}

/** docs/openapi.yaml, parsed, with what the checks need from it. */
export class OpenApiSpec {
  private constructor(private readonly doc: Record<string, unknown>) {}

  static load(path = SPEC_PATH): OpenApiSpec {
    const doc = parseYaml(readFileSync(path, 'utf8'));
    if (!isRecord(doc) || !isRecord(doc.paths)) throw new Error(`${path} has no paths`);
    return new OpenApiSpec(doc);
  }

  /** `#/components/...` → the object there. */
  readonly resolve = (ref: string): unknown => {
    let node: unknown = this.doc;
    for (const part of ref.replace(/^#\//, '').split('/')) node = isRecord(node) ? node[part] : undefined;
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
    return node;
  };

  /** Every (method, path template, status) the document promises. */
  answers(): DocumentedAnswer[] {
    const found: DocumentedAnswer[] = [];
    for (const [path, item] of Object.entries(this.paths())) {
      for (const method of METHODS) {
        const op = isRecord(item) ? item[method] : undefined;
        if (!isRecord(op) || !isRecord(op.responses)) continue;
        for (const status of Object.keys(op.responses)) found.push({ method, path, status });
      }
    }
    return found;
  }

  /** The path template a concrete path falls under (`/admin/events/a:b` → `/admin/events/{id}`). */
  templateFor(concretePath: string): string | undefined {
    const segments = (concretePath.split('?')[0] ?? '').split('/');
    return Object.keys(this.paths()).find((template) => {
      const parts = template.split('/');
      return parts.length === segments.length && parts.every((part, i) => /^\{[^}]+\}$/.test(part) || part === segments[i]);
    });
  }

  /**
   * What is wrong with an observed answer: an undocumented operation or status, another content
   * type, or a body that does not match the documented schema. Empty when it conforms.
   */
  check(method: string, template: string, status: number, contentType: string, body: unknown): string[] {
    const where = `${method.toUpperCase()} ${template} ${status}`;
    const item = this.paths()[template];
    const op = isRecord(item) ? item[method.toLowerCase()] : undefined;
    if (!isRecord(op) || !isRecord(op.responses)) return [`${where}: operation not documented`];
    let response = op.responses[String(status)];
    if (isRecord(response) && typeof response.$ref === 'string') response = this.resolve(response.$ref);
    if (!isRecord(response)) return [`${where}: status not documented`];
    if (!isRecord(response.content)) return [];
    const mediaType = contentType.split(';')[0]?.trim() ?? '';
    const media = response.content[mediaType];
    if (!isRecord(media)) return [`${where}: content type ${mediaType} not documented (${Object.keys(response.content).join(', ')})`];
    return validate(media.schema, body, this.resolve).map((problem) => `${where}: ${problem}`);
  }

  private paths(): Record<string, unknown> {
    const paths = this.doc.paths;
    return isRecord(paths) ? paths : {};
  }
}
