/** Labels every metric carries, from the module options. @publicApi */
export const STANDARD_LABELS = ['environment', 'project', 'service'] as const;

/** Buckets of the HTTP server duration histogram, in seconds (OpenTelemetry's advice plus 10 s). @publicApi */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Buckets of the body size histograms, in bytes: 100 B to 10 MB. @publicApi */
export const HTTP_SIZE_BUCKETS = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

/** Buckets of business durations (workflows, tasks), in seconds. @publicApi */
export const BUSINESS_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** `http_route` of a request that matched no route: one series, whatever URL was scanned. @publicApi */
export const UNMATCHED_ROUTE = 'unmatched';

/** DI token of the app's prom-client `Registry`. @publicApi */
export const TELEMETRY_METRICS_REGISTRY = 'TELEMETRY:METRICS_REGISTRY';
