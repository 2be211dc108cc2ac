import type { TelemetryModuleOptions } from 'nest-telemetry/sdk';

/** One object for startTelemetry() (before Nest) and TelemetryModule.forRoot(). */
export const telemetryOptions: TelemetryModuleOptions = {
  serviceName: 'api-gateway',
  serviceVersion: '1.0.0',
  project: 'workflow-platform',
  // The service browsers call: front-end RUM tools join their spans to the trace through Server-Timing.
  serverTiming: true,
};
