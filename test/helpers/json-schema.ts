/**
 * A small validator for the OpenAPI 3.0 schema subset docs/openapi.yaml uses: type, nullable, enum,
 * properties, required, additionalProperties, items, oneOf, allOf, $ref, format date-time, minimum,
 * maximum, minLength, maxLength. Returns what is wrong, each with its place; empty when valid.
 */
export type Resolve = (ref: string) => unknown;

type Schema = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validate(schema: unknown, value: unknown, resolve: Resolve, at = '$'): string[] {
  if (!isRecord(schema)) return [];
  if (typeof schema.$ref === 'string') return validate(resolve(schema.$ref), value, resolve, at);
  if (value === null) return schema.nullable === true || Object.keys(schema).length === 0 ? [] : [`${at}: null is not allowed`];
  const problems: string[] = [];
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) problems.push(...validate(part, value, resolve, at));
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((option) => validate(option, value, resolve, at).length === 0).length;
    if (matching !== 1) problems.push(`${at}: matches ${matching} of the oneOf schemas, not exactly one`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof schema.type === 'string') {
    const wrongType = typeProblem(schema.type, value);
    if (wrongType) return [...problems, `${at}: ${wrongType}`];
  }
  problems.push(...bounds(schema, value, at));
  if (isRecord(value)) problems.push(...objectProblems(schema, value, resolve, at));
  if (Array.isArray(value) && schema.items !== undefined) value.forEach((item, i) => problems.push(...validate(schema.items, item, resolve, `${at}[${i}]`)));
  return problems;
}

function typeProblem(type: string, value: unknown): string | undefined {
  const ok =
    type === 'object' ? isRecord(value)
    : type === 'array' ? Array.isArray(value)
    : type === 'integer' ? Number.isInteger(value)
    : type === 'number' ? typeof value === 'number'
    : typeof value === type;
  return ok ? undefined : `expected ${type}, got ${JSON.stringify(value)?.slice(0, 80)}`;
}

function bounds(schema: Schema, value: unknown, at: string): string[] {
  const problems: string[] = [];
  if (typeof value === 'string') {
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) problems.push(`${at}: not a date-time: ${value}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) problems.push(`${at}: longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${at}: above ${schema.maximum}`);
  }
  return problems;
}

function objectProblems(schema: Schema, value: Record<string, unknown>, resolve: Resolve, at: string): string[] {
  const problems: string[] = [];
  const properties = isRecord(schema.properties) ? schema.properties : {};
  if (Array.isArray(schema.required)) {
    for (const name of schema.required) if (typeof name === 'string' && !(name in value)) problems.push(`${at}.${name}: missing`);
  }
  for (const [name, item] of Object.entries(value)) {
    if (name in properties) problems.push(...validate(properties[name], item, resolve, `${at}.${name}`));
    else if (schema.additionalProperties === false) problems.push(`${at}.${name}: not in the schema`);
    else if (isRecord(schema.additionalProperties)) problems.push(...validate(schema.additionalProperties, item, resolve, `${at}.${name}`));
  }
  return problems;
}
