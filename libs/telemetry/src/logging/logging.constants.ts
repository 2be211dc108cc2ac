/** DI token of the app's pino logger and destination (`TelemetryLogger`). @internal */
export const TELEMETRY_LOGGER = 'TELEMETRY:LOGGER';
