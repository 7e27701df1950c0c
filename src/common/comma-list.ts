/**
 * The items of comma-separated text (`a, b,,c` → `a`, `b`, `c`); a repeated query parameter counts as several texts.
 * No imports: the sshd command loads it on every login.
 */
export function commaList(value: string | string[] | undefined | null): string[] {
  return (Array.isArray(value) ? value : value ? [value] : []).flatMap((text) => text.split(',')).map((item) => item.trim()).filter(Boolean);
}
