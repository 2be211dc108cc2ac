/** Request methods the HTTP semantic conventions name; any other is `_OTHER`. @internal */
export const HTTP_METHODS = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', '_OTHER'] as const;

const KNOWN = new Set<string>(HTTP_METHODS);

/**
 * A request's method as spans and metric labels carry it: a client cannot mint span
 * names or label values with a method of its own.
 * @internal
 */
export function httpMethodOf(method: string | undefined): string {
  const upper = method?.toUpperCase() ?? 'GET';
  return KNOWN.has(upper) ? upper : '_OTHER';
}
