import type { z } from 'zod';

/** One line per problem, naming where it is: "  - sources.stripe.secrets[0]: Required". */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string {
  return issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
        prefix,
      );
      return `  - ${path || '(top level)'}: ${issue.message}`;
    })
    .join('\n');
}
