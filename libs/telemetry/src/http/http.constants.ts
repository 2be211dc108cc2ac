/**
 * DI token of the app's HTTP request observers (`HttpRequestObserver[]`): the module
 * provides the HTTP metrics and the access log under it, each only when enabled.
 * @internal
 */
export const HTTP_REQUEST_OBSERVERS = 'TELEMETRY:HTTP_REQUEST_OBSERVERS';

/** Status recorded for a request whose client went away before the response ended (nginx's convention). @publicApi */
export const CLIENT_CLOSED_REQUEST = 499;
