/**
 * Zero-code start: `node --require @app/telemetry/register dist/main.js` (or
 * `import '@app/telemetry/register'` as the first line of main.ts) starts the
 * OpenTelemetry SDK from the standard `OTEL_*` variables alone, before Nest loads.
 */
import { startTelemetry } from './sdk/telemetry-sdk';

startTelemetry();
