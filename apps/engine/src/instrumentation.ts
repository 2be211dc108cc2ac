// Imported first by main.ts: the SDK must patch http, express and Nest before they load.
import { startTelemetry } from 'nest-telemetry/sdk';
import { telemetryOptions } from './telemetry.options';

startTelemetry(telemetryOptions);
