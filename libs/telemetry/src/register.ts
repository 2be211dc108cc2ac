/**
 * Zero-code start: `node --require nest-telemetry/register dist/main.js` (or
 * `import 'nest-telemetry/register'` as the first line of main.ts) starts the
 * OpenTelemetry SDK from the standard `OTEL_*` variables alone, before Nest loads.
 */
import { startTelemetry } from './sdk/start-telemetry';

startTelemetry();
