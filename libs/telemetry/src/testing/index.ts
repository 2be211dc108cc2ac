// Test helpers for apps that use the telemetry module: `nest-telemetry/testing`.
export { InMemoryTracing } from './in-memory-tracing';
export { MemoryLogDestination } from './memory-log-destination';
export { resetNestjsPinoForTests } from './reset-logger';
