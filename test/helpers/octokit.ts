/** GitHub's own signer, `sign` from @octokit/webhooks-methods: `sha256=<hex>` over the payload. */
export type OctokitSign = (secret: string, payload: string) => Promise<string>;

/**
 * @octokit/webhooks-methods v6 is ESM-only, so `require` cannot load it. With `module: commonjs`
 * TypeScript compiles `import()` into `require()`, which would fail the same way; a Function built
 * at run time keeps a real dynamic `import()` that Node resolves as ESM.
 */
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export async function loadOctokitSign(): Promise<OctokitSign> {
  const mod = await importEsm('@octokit/webhooks-methods');
  const sign: unknown = typeof mod === 'object' && mod !== null ? Reflect.get(mod, 'sign') : undefined;
  if (typeof sign !== 'function') throw new Error('@octokit/webhooks-methods has no sign()');
  return (secret, payload) => Promise.resolve(sign(secret, payload)).then(String);
}
