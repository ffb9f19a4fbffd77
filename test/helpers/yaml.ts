/**
 * Parses YAML with js-yaml, which the repository has through mocha (it reads .mocharc.yml), so no
 * dependency is added for it. It ships no types: its `load` is looked up and checked at run time.
 */
export function parseYaml(text: string): unknown {
  const mod: unknown = require('js-yaml');
  const load: unknown = typeof mod === 'object' && mod !== null ? Reflect.get(mod, 'load') : undefined;
  if (typeof load !== 'function') throw new Error('js-yaml has no load()');
  const value: unknown = load(text);
  return value;
}
