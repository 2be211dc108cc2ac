import { Logger } from '@nestjs/common';
import { resolveSdkOptions } from './options/sdk-options.resolver';
import { createStandInRuntime, type TelemetryRuntime } from './sdk/telemetry-runtime';
import { TelemetryStartupCheck } from './telemetry-startup.check';

describe('TelemetryStartupCheck', () => {
  const said = (runtime: TelemetryRuntime) => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      new TelemetryStartupCheck(runtime).onModuleInit();
      return { log: log.mock.calls.map(([message]) => String(message)), warn: warn.mock.calls.map(([message]) => String(message)) };
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
  };
  const standIn = () => createStandInRuntime(resolveSdkOptions({ serviceName: 'check', detectResources: false }));

  it('should warn, saying how to start it, when no SDK was started', () => {
    const { log, warn } = said(standIn());
    expect(log).toEqual([]);
    expect(warn).toEqual([expect.stringContaining('OpenTelemetry SDK not started')]);
    expect(warn[0]).toContain('--require nest-telemetry/register');
  });

  it('should only say, without warning, that OTEL_SDK_DISABLED turned the SDK off', () => {
    const { log, warn } = said({ ...standIn(), sdkDisabled: true });
    expect(warn).toEqual([]);
    expect(log).toEqual(['OpenTelemetry SDK disabled by OTEL_SDK_DISABLED: no spans are recorded; tracking ids, logs and metrics go on.']);
  });

  it('should warn when the SDK started after Nest was loaded, and say nothing when it started in time', () => {
    expect(said({ ...standIn(), sdkStarted: true, loadedTooEarly: ['@nestjs/core'] }).warn).toEqual([expect.stringContaining('OpenTelemetry SDK started after @nestjs/core')]);
    expect(said({ ...standIn(), sdkStarted: true })).toEqual({ log: [], warn: [] });
  });
});
