/**
 * Just enough of a Dockerfile reader to replay its stages without Docker: instructions with their
 * line continuations joined, grouped by stage. Anything a test cannot replay faithfully is an error,
 * never skipped.
 */

export interface Instruction {
  /** Upper-case keyword: FROM, WORKDIR, COPY, RUN, CMD... */
  readonly keyword: string;
  /** The rest of the instruction, continuations joined. */
  readonly args: string;
  /** 1-based line where the instruction starts, for messages. */
  readonly line: number;
}

export interface Stage {
  /** The `AS` name, if any. */
  readonly name: string | undefined;
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (pending === undefined && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    const continued = line.endsWith('\\');
    const part = continued ? line.slice(0, -1) : line;
    pending = pending === undefined ? { text: part, line: index + 1 } : { text: `${pending.text} ${part.trim()}`, line: pending.line };
    if (continued) return;
    const match = /^\s*(\S+)\s*(.*)$/.exec(pending.text);
    if (match?.[1] !== undefined) instructions.push({ keyword: match[1].toUpperCase(), args: (match[2] ?? '').trim(), line: pending.line });
    pending = undefined;
  });

  const stages: { name: string | undefined; image: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!from?.[1]) throw new Error(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      stages.push({ image: from[1], name: from[2], instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`line ${instruction.line}: ${instruction.keyword} before any FROM`);
    stage.instructions.push(instruction);
  }
  return stages;
}

export interface CopyInstruction {
  /** The `--from=` stage, or undefined for the build context. */
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
}

/**
 * A COPY in shell form, with no option but `--from`, and no wildcard: the only kind this reader
 * can lay out exactly as Docker would. Anything else throws, naming the line.
 */
export function readCopy(instruction: Instruction): CopyInstruction {
  const fail = (why: string): never => {
    throw new Error(`line ${instruction.line}: cannot interpret COPY ${instruction.args} (${why})`);
  };
  if (instruction.args.startsWith('[')) fail('JSON form');
  const words = instruction.args.split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const option = words.shift() ?? '';
    const value = /^--from=(\S+)$/.exec(option)?.[1];
    if (value === undefined) fail(`option ${option}`);
    from = value;
  }
  if (words.length < 2) fail('needs a source and a destination');
  if (words.some((w) => /[*?[\]$]/.test(w))) fail('wildcards and variables');
  const destination = words.pop() ?? '';
  return { from, sources: words, destination };
}

/** A command in exec form, `["node", "dist/src/receiver/main.js"]` (a Dockerfile's CMD, a compose `command`). */
export function parseExecForm(json: string, where: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((word): word is string => typeof word === 'string')) {
    throw new Error(`${where}: not a command in exec form: ${json}`);
  }
  return parsed;
}
