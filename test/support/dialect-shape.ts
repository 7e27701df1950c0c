export type Dialect = 'foreman' | 'northflank' | 'nexterm' | 'sshid';

/** Whether an answer is a success, or an error in the dialect's own error shape. */
export function hasDialectShape(dialect: Dialect, status: number, body: unknown): boolean {
  if (status < 400) return true;
  const b = body as Record<string, any>;
  switch (dialect) {
    case 'foreman':
      return (typeof b?.error === 'object' && b.error !== null) || (b?.status === 400 && typeof b?.error === 'string');
    case 'northflank':
      return b?.error?.status === status && typeof b.error.message === 'string' && typeof b.error.id === 'string';
    case 'nexterm':
      return b?.code === status && typeof b.message === 'string';
    case 'sshid':
      return b?.error?.status === status && typeof b.error.message === 'string';
  }
}
