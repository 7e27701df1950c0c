import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ValidationError, Violation } from './domain-errors';

/** Deeper than any body a dialect accepts (Northflank's restrictions are the deepest, at four levels). */
export const MAX_BODY_DEPTH = 32;

// A NUL (PostgreSQL text cannot hold it) or a UTF-16 surrogate without its partner (not valid Unicode).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses, before any route runs, input no route can store or walk safely: text with NUL bytes or lone surrogates
 * in the query, the path or the JSON body, and bodies nested deeper than MAX_BODY_DEPTH. Each dialect answers the
 * ValidationError in its own 400/422 shape, and nothing is written.
 */
@Injectable()
export class InputSanityGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ query?: unknown; params?: unknown; body?: unknown }>();
    const violations: Violation[] = [];
    for (const [source, value] of [['query', request.query], ['path', request.params], ['body', request.body]] as const) {
      const problem = findProblem(value, source === 'body' ? MAX_BODY_DEPTH : 4);
      if (problem) violations.push({ field: problem.field ? `${source}.${problem.field}` : source, code: problem.code, message: problem.message });
    }
    if (violations.length > 0) throw new ValidationError(violations);
    return true;
  }
}

interface Problem {
  field: string;
  code: 'unstorable' | 'too_deep';
  message: string;
}

/** Walks a parsed value without recursion (a hostile body must not exhaust the stack). */
export function findProblem(root: unknown, maxDepth: number): Problem | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return { field: path, code: 'unstorable', message: `${path || 'value'} contains a NUL character or invalid Unicode` };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) return { field: path, code: 'too_deep', message: `the input is nested deeper than ${maxDepth} levels` };
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (UNSTORABLE.test(key)) return { field: path, code: 'unstorable', message: 'a field name contains a NUL character or invalid Unicode' };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}
