import { describeValue } from './invalid-telemetry-options.error';

/**
 * Thrown at start-up when `TelemetryModule.forRoot()` is given an SDK-level option
 * (service name, tracking id header, sampler…) that disagrees with the SDK started by
 * `startTelemetry()`: the SDK's value is the one in force, so the module's would be a lie.
 * @publicApi
 */
export class TelemetryOptionsConflictError extends Error {
  constructor(
    readonly option: string,
    readonly moduleValue: unknown,
    readonly sdkValue: unknown,
  ) {
    super(
      `TelemetryModule: option "${option}" is ${describeValue(moduleValue)} in TelemetryModule.forRoot() but ` +
        `${describeValue(sdkValue)} in the SDK started by startTelemetry(); pass the same options to both, or leave "${option}" out of forRoot()`,
    );
    this.name = 'TelemetryOptionsConflictError';
  }
}
