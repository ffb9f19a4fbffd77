import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** A secret is written literally (refused when NODE_ENV=production), or read from an environment variable or a file. */
export const secretRef = z.union([
  z.string().min(1),
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);

export type SecretRef = z.infer<typeof secretRef>;

/**
 * The secret's value, or undefined after reporting why there is none. The messages name the
 * variable or file, never the secret's value.
 */
export function resolveSecret(
  ref: SecretRef,
  env: NodeJS.ProcessEnv,
  baseDir: string,
  problem: (msg: string) => void,
): string | undefined {
  if (typeof ref === 'string') {
    if (env.NODE_ENV !== 'production') return ref;
    // A secret written in the config file ends up in images, backups and repositories.
    problem('a secret written in the config file is refused when NODE_ENV=production; use {"env": "VARIABLE"} or {"file": "path"}');
    return undefined;
  }
  if ('env' in ref) {
    const value = env[ref.env];
    if (!value) problem(`environment variable ${ref.env} is not set`);
    return value || undefined;
  }
  const path = isAbsolute(ref.file) ? ref.file : resolve(baseDir, ref.file);
  try {
    const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    if (!value) problem(`secret file ${path} is empty`);
    return value || undefined;
  } catch (err) {
    problem(`cannot read secret file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    return undefined;
  }
}
