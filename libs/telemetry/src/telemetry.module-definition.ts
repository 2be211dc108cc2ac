import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { TelemetryModuleOptions } from './interfaces/telemetry-module-options.interface';

/** @internal */
export const {
  ConfigurableModuleClass: ConfigurableTelemetryModule,
  MODULE_OPTIONS_TOKEN: TELEMETRY_MODULE_OPTIONS,
  OPTIONS_TYPE: TELEMETRY_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TELEMETRY_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TelemetryModuleOptions>({ moduleName: 'Telemetry' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createTelemetryOptions')
  // Telemetry serves the whole app: global unless the user says otherwise.
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** What a `forRootAsync({ useClass })` / `useExisting` provider implements. @publicApi */
export interface TelemetryOptionsFactory {
  createTelemetryOptions(): TelemetryModuleOptions | Promise<TelemetryModuleOptions>;
}
