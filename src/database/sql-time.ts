/**
 * Timestamps on the hot reads travel as epoch milliseconds (a float8) rather than as timestamptz text: `pg` parses
 * each timestamptz with postgres-date into a Date, which was the dearest column parse of the list routes (≈ 3 % of a
 * request's CPU, measured), while a float8 is one parseFloat. The value is floored to the millisecond, as
 * postgres-date's Date is.
 */
export function epochMs(column: string): string {
  return `floor(extract(epoch from ${column}) * 1000)::float8`;
}

/** The Date of an `epochMs` column (null stays null). */
export function fromEpochMs(value: number | null): Date | null {
  return value === null ? null : new Date(value);
}
