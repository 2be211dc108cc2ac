import type { IgnoredPath } from '../interfaces/telemetry-sdk-options.interface';

/**
 * Compiles `ignorePaths` into one predicate on a request URL (query string ignored).
 * Runs for every incoming request, so it does one Set lookup for exact paths, only for
 * a path as long as one of them (the lookup hashes the whole path: 100 ns a request in
 * a loop, against 10), and only walks the (usually empty) prefix and RegExp lists after that.
 * @internal
 */
export function createPathMatcher(paths: readonly IgnoredPath[]): (url: string | undefined) => boolean {
  const matchesPath = createQuerylessPathMatcher(paths);
  return (url) => !!url && matchesPath(pathOfUrl(url));
}

/** A request URL without its query string. @internal */
export function pathOfUrl(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * createPathMatcher's predicate for a path the caller has already cut at its query
 * string (pathOfUrl): the request pipeline cuts it once for the span and the match.
 * @internal
 */
export function createQuerylessPathMatcher(paths: readonly IgnoredPath[]): (path: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const patterns: RegExp[] = [];
  for (const path of paths) {
    if (path instanceof RegExp) patterns.push(path);
    else if (path.endsWith('*')) prefixes.push(path.slice(0, -1));
    else exact.add(stripTrailingSlash(path));
  }
  if (exact.size === 0 && prefixes.length === 0 && patterns.length === 0) return () => false;
  const exactLengths = new Set([...exact].map((path) => path.length));

  return (queryless) => {
    const path = stripTrailingSlash(queryless);
    if (exactLengths.has(path.length) && exact.has(path)) return true;
    for (const prefix of prefixes) if (path.startsWith(prefix)) return true;
    for (const pattern of patterns) if (pattern.test(path)) return true;
    return false;
  };
}

function stripTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
