/**
 * Lower-cases a name and turns every run of other characters into one `-`, at most `max` characters long.
 * Null when nothing alphanumeric is left (e.g. a name in a non-Latin script).
 */
export function slugify(name: string, max: number): string | null {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return slug.length > 0 ? slug : null;
}
