/**
 * Query parameter names as the client sent them, from the raw query string: the parsed
 * `req.query` silently drops or hides some (`__proto__`, `constructor`, names of Object.prototype
 * such as `toString` pass through DTO transformation unseen), so unknown names are judged here.
 * Pure.
 */

/** Each distinct parameter name of `rawQuery` (without `?`), bracket suffixes removed (`a[b]=1` → `a`). */
export function queryKeys(rawQuery: string): string[] {
  const names = new Set<string>();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const raw = eq < 0 ? part : part.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      name = raw; // malformed escapes: judged as written
    }
    const bracket = name.indexOf('[');
    names.add(bracket > 0 ? name.slice(0, bracket) : name);
  }
  return [...names];
}

/** The first name of `rawQuery` not in `allowed` (own names only: never a prototype's), or null. */
export function firstUnknownQueryKey(rawQuery: string, allowed: ReadonlySet<string>): string | null {
  for (const name of queryKeys(rawQuery)) if (!allowed.has(name)) return name;
  return null;
}
