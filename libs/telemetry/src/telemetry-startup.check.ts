import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { hasGlobalTracerProvider } from './sdk/global-tracer-provider';
import type { TelemetryRuntime } from './sdk/telemetry-runtime';
import { TELEMETRY_RUNTIME } from './telemetry.constants';

/** The two ways to start the SDK early enough. */
const HOW_TO_START =
  "call startTelemetry(options) from 'nest-telemetry/sdk' in a file imported on the first line of main.ts, " +
  'or start node with --require nest-telemetry/register';

/**
 * Says at start-up, once and clearly, when the SDK was started too late (or never)
 * for auto-instrumentation to work: the most common silent failure of OpenTelemetry
 * in Nest apps.
 * @internal
 */
@Injectable()
export class TelemetryStartupCheck implements OnModuleInit {
  private readonly logger = new Logger('TelemetryModule');

  constructor(@Inject(TELEMETRY_RUNTIME) private readonly runtime: TelemetryRuntime) {}

  onModuleInit(): void {
    const sdk = this.runtime;
    if (!sdk.sdkStarted) {
      if (sdk.sdkDisabled) {
        this.logger.log('OpenTelemetry SDK disabled by OTEL_SDK_DISABLED: no spans are recorded; tracking ids, logs and metrics go on.');
      } else if (!hasGlobalTracerProvider()) {
        this.logger.warn(
          `OpenTelemetry SDK not started: no spans are recorded and tracking ids are not trace ids of a real trace. To fix it, ${HOW_TO_START}.`,
        );
      }
      return;
    }
    if (sdk.loadedTooEarly.length > 0) {
      this.logger.warn(
        `OpenTelemetry SDK started after ${sdk.loadedTooEarly.join(', ')} was loaded: the Nest controller spans (and express spans, if enabled) are missing. To fix it, ${HOW_TO_START}, before anything imports @nestjs/core.`,
      );
    }
  }
}
