import { readFileSync } from 'node:fs';

export interface Instruction {
  op: string;
  /** The rest of the line (continuations joined). */
  args: string;
  /** JSON (exec) form, when the arguments are a JSON array. */
  exec?: string[];
  flags: Record<string, string>;
}

export interface Stage {
  image: string;
  name: string;
  instructions: Instruction[];
}

/** A small reader for the Dockerfile instructions sshid uses (FROM … AS, WORKDIR, COPY, RUN, ENV, USER, CMD, …). */
export function parseDockerfile(path: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, op, rest] = /^(\w+)\s+([\s\S]*)$/.exec(line) ?? [];
    if (!op) throw new Error(`unreadable Dockerfile line: ${line}`);
    const flags: Record<string, string> = {};
    let args = rest;
    for (let flag = /^--([\w-]+)=(\S+)\s+/.exec(args); flag; flag = /^--([\w-]+)=(\S+)\s+/.exec(args)) {
      flags[flag[1]] = flag[2];
      args = args.slice(flag[0].length);
    }
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const [image, , name] = args.split(/\s+/);
      stages.push({ image, name: name ?? String(stages.length), instructions: [] });
      continue;
    }
    let exec: string[] | undefined;
    const jsonPart = upper === 'HEALTHCHECK' ? args.replace(/^(--\S+\s+)*CMD\s+/, '') : args;
    if (upper === 'HEALTHCHECK') {
      for (const match of args.matchAll(/--([\w-]+)=(\S+)/g)) flags[match[1]] = match[2];
    }
    if (jsonPart.startsWith('[')) exec = JSON.parse(jsonPart) as string[];
    stages[stages.length - 1].instructions.push({ op: upper, args, exec, flags });
  }
  return stages;
}

/** `ENV a=b c=d` pairs. */
export function envPairs(args: string): Record<string, string> {
  return Object.fromEntries([...args.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1], m[2].replace(/^"|"$/g, '')]));
}
