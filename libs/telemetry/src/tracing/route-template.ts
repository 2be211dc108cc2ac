/** What express (4 and 5) leaves on a matched request. @publicApi */
export interface RoutedRequest {
  route?: { path?: unknown };
  baseUrl?: string;
}

// A catch-all path is how middleware is mounted on every route (`forRoutes('*')`,
// nestjs-pino's `{/*splat}`): it matches everything, so it names nothing.
const CATCH_ALL = /^\/?(\*\w*|\{\/?\*\w*\}|\(\.\*\))$/;

/**
 * The route template of a matched request (`/api/v1/workflows/:id`), never the raw
 * path, so span names and metric labels stay low-cardinality. Undefined for an
 * unmatched request (or one matched only by a catch-all middleware path).
 * @publicApi
 */
export function routeTemplateOf(request: RoutedRequest): string | undefined {
  const path = request.route?.path;
  if (typeof path !== 'string' || CATCH_ALL.test(path)) return undefined;
  // Routers mounted on a prefix keep it in baseUrl; Nest mounts everything at the root.
  return request.baseUrl ? `${request.baseUrl}${path}` : path;
}
