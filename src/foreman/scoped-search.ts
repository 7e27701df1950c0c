import { ValidationError } from '../common/domain-errors';
import { KeyComparison, KeyField, KeyFilter } from '../keys/public-keys.repository';

/**
 * Foreman's scoped-search language for SSH keys, parsed into the domain's filter tree (which the domain turns
 * into parameterised SQL). Fields: `name` (text, the default for free text), `id` and `user_id` (integers).
 */
const FIELDS: Record<string, 'string' | 'integer'> = { name: 'string', id: 'integer', user_id: 'integer' };
const OPERATORS = ['!=', '!~', '!^', '>=', '<=', '=', '~', '^', '>', '<'] as const;
type Operator = (typeof OPERATORS)[number];

type Token =
  | { kind: 'word'; text: string; quoted: boolean }
  | { kind: 'op'; text: Operator }
  | { kind: 'lparen' | 'rparen' | 'comma' | 'and' | 'or' | 'not' }
  | { kind: 'null?' | 'set?' };

export function searchError(message: string): ValidationError {
  return new ValidationError([{ field: 'search', code: 'query_not_supported', message }]);
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = input.indexOf(c, i + 1);
      if (end < 0) throw searchError(`Unterminated quoted value starting at position ${i + 1}`);
      tokens.push({ kind: 'word', text: input.slice(i + 1, end), quoted: true });
      i = end + 1;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma' });
      i += 1;
      continue;
    }
    if (input.startsWith('&&', i) || input.startsWith('||', i)) {
      tokens.push({ kind: input[i] === '&' ? 'and' : 'or' });
      i += 2;
      continue;
    }
    if (c === '&' || c === '|') {
      tokens.push({ kind: c === '&' ? 'and' : 'or' });
      i += 1;
      continue;
    }
    const operator = OPERATORS.find((op) => input.startsWith(op, i));
    if (operator) {
      tokens.push({ kind: 'op', text: operator });
      i += operator.length;
      continue;
    }
    if (c === '!' || c === '-') {
      tokens.push({ kind: 'not' });
      i += 1;
      continue;
    }
    let end = i;
    while (end < input.length && !/[\s()",'&|=!~^<>]/.test(input[end])) end += 1;
    const text = input.slice(i, end);
    const lower = text.toLowerCase();
    if (lower === 'and' || lower === 'or' || lower === 'not') tokens.push({ kind: lower });
    else if (lower === 'null?' || lower === 'set?') tokens.push({ kind: lower });
    else tokens.push({ kind: 'word', text, quoted: false });
    i = end;
  }
  return tokens;
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): KeyFilter {
    const filter = this.orExpression();
    if (this.position < this.tokens.length) throw searchError(`Unexpected ${describe(this.tokens[this.position])}`);
    return filter;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private orExpression(): KeyFilter {
    const parts = [this.andExpression()];
    while (this.peek()?.kind === 'or') {
      this.position += 1;
      parts.push(this.andExpression());
    }
    return parts.length === 1 ? parts[0] : { or: parts };
  }

  private andExpression(): KeyFilter {
    const parts = [this.notExpression()];
    for (;;) {
      const next = this.peek();
      if (!next || next.kind === 'or' || next.kind === 'rparen') break;
      if (next.kind === 'and') this.position += 1;
      parts.push(this.notExpression());
    }
    return parts.length === 1 ? parts[0] : { and: parts };
  }

  private notExpression(): KeyFilter {
    if (this.peek()?.kind === 'not') {
      this.position += 1;
      return { not: this.notExpression() };
    }
    return this.primary();
  }

  private primary(): KeyFilter {
    const token = this.peek();
    if (!token) throw searchError('Value expected but found end of input');
    this.position += 1;
    if (token.kind === 'lparen') {
      const inner = this.orExpression();
      if (this.peek()?.kind !== 'rparen') throw searchError('Closing parenthesis expected');
      this.position += 1;
      return inner;
    }
    if (token.kind === 'null?' || token.kind === 'set?') {
      const field = this.field(this.expectWord());
      return { field, op: token.kind === 'null?' ? 'null' : 'not_null' };
    }
    if (token.kind !== 'word') throw searchError(`Value expected but found ${describe(token)}`);
    const operator = this.peek();
    if (operator?.kind === 'op') {
      this.position += 1;
      return this.comparison(this.field(token.text), operator.text);
    }
    // Free text searches the default field.
    return { field: 'name', op: 'like', value: likePattern(token.text) };
  }

  private comparison(field: KeyField, operator: Operator): KeyFilter {
    const type = FIELDS[field];
    if (operator === '^' || operator === '!^') {
      const values = this.valueList().map((v) => this.typed(field, v));
      return { field, op: operator === '^' ? 'in' : 'not_in', value: values };
    }
    const raw = this.expectWord();
    if (operator === '~' || operator === '!~') {
      if (type === 'integer') throw searchError(`the operator 'like' is not supported for field type 'integer'`);
      return { field, op: operator === '~' ? 'like' : 'not_like', value: likePattern(raw) };
    }
    const comparison: KeyComparison = operator;
    return { field, op: comparison, value: this.typed(field, raw) };
  }

  private valueList(): string[] {
    if (this.peek()?.kind !== 'lparen') return [this.expectWord()];
    this.position += 1;
    const values = [this.expectWord()];
    while (this.peek()?.kind === 'comma') {
      this.position += 1;
      values.push(this.expectWord());
    }
    if (this.peek()?.kind !== 'rparen') throw searchError('Closing parenthesis expected');
    this.position += 1;
    return values;
  }

  private expectWord(): string {
    const token = this.peek();
    if (!token || token.kind !== 'word') {
      throw searchError(`Value expected but found ${token ? describe(token) : 'end of input'}`);
    }
    this.position += 1;
    return token.text;
  }

  private field(name: string): KeyField {
    if (!Object.hasOwn(FIELDS, name)) throw searchError(`Field '${name}' not recognized for searching!`);
    return name as KeyField;
  }

  private typed(field: KeyField, raw: string): string | number {
    if (FIELDS[field] === 'string') return raw;
    if (!/^-?\d+$/.test(raw) || Math.abs(Number(raw)) > 2147483647) {
      throw searchError(`Value '${raw}' is not valid for field '${field}'`);
    }
    return Number(raw);
  }
}

function describe(token: Token): string {
  if (token.kind === 'word') return `'${token.text}'`;
  if (token.kind === 'op') return `operator '${token.text}'`;
  return `'${token.kind}'`;
}

/** The parser descends once per parenthesis; deeper searches are refused before it runs. */
export const MAX_SEARCH_NESTING = 32;

/** Parses `search`; null for a blank search (no filter). */
export function parseForemanSearch(search: string | undefined): KeyFilter | null {
  if (search === undefined || search.trim() === '') return null;
  let depth = 0;
  for (const c of search) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    if (depth > MAX_SEARCH_NESTING) {
      throw new ValidationError([{ field: 'search', code: 'query_not_supported', message: `the search nests parentheses deeper than ${MAX_SEARCH_NESTING} levels` }]);
    }
  }
  return new Parser(tokenize(search)).parse();
}

/** Parses `order` (`field [ASC|DESC]`); the field must be a search field. */
export function parseForemanOrder(order: string | undefined): { field: KeyField; direction: 'ASC' | 'DESC'; raw: string } | null {
  if (order === undefined || order.trim() === '') return null;
  const [field, direction] = order.trim().split(/\s+/);
  // Own keys only: `toString` or `constructor` are not fields.
  if (!Object.hasOwn(FIELDS, field)) {
    throw new ValidationError([
      { field: 'order', code: 'query_not_supported', message: `the field '${field}' in the order statement is not valid field for search` },
    ]);
  }
  return { field: field as KeyField, direction: direction?.toLowerCase() === 'desc' ? 'DESC' : 'ASC', raw: direction ?? 'ASC' };
}

/** scoped-search's `~`: `*` and `%` are wildcards; without one the value matches anywhere (contains). */
function likePattern(value: string): string {
  const escaped = value.replace(/[\\_]/g, '\\$&').replace(/\*/g, '%');
  return escaped.includes('%') ? escaped : `%${escaped}%`;
}
