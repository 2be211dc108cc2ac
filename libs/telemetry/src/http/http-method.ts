/** Request methods the HTTP semantic conventions name; any other is `_OTHER`. @internal */
export const HTTP_METHODS = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', '_OTHER'] as const;

const KNOWN = new Set<string>(HTTP_METHODS);

/**
 * A request's method as spans and metric labels carry it: a client cannot mint span
 * names or label values with a method of its own.
 * @internal
 */
export function httpMethodOf(method: string | undefined): string {
  // Node's parser gives one of its uppercase method names: found as it is, without
  // `toUpperCase` (a call into V8's runtime, three a request).
  if (method !== undefined && KNOWN.has(method)) return method;
  const upper = method?.toUpperCase() ?? 'GET';
  return KNOWN.has(upper) ? upper : '_OTHER';
}
