import { resolveModuleOptions } from '../options/module-options.resolver';
import { resolveSdkOptions } from '../options/sdk-options.resolver';
import { MemoryLogDestination } from '../testing/memory-log-destination';
import { createTelemetryLogger } from './logger.factory';

describe('@timestamp', () => {
  afterEach(() => jest.restoreAllMocks());

  it("should be the line's millisecond in ISO 8601 UTC, across milliseconds, seconds, days and years", () => {
    const logs = new MemoryLogDestination();
    const options = resolveModuleOptions({ serviceName: 'orders', logging: { level: 'info', destination: logs } }, resolveSdkOptions({ serviceName: 'orders' }));
    const { logger } = createTelemetryLogger(options);
    const times = [
      Date.UTC(2026, 10, 23, 2, 12, 58, 5),
      Date.UTC(2026, 10, 23, 2, 12, 58, 5),
      Date.UTC(2026, 10, 23, 2, 12, 58, 50),
      Date.UTC(2026, 10, 23, 2, 12, 58, 999),
      Date.UTC(2026, 10, 23, 2, 12, 59, 0),
      Date.UTC(2026, 11, 31, 23, 59, 59, 500),
      Date.UTC(2027, 0, 1, 0, 0, 0, 7),
      Date.UTC(2026, 10, 23, 2, 12, 58, 120),
    ];
    const now = jest.spyOn(Date, 'now');
    for (const time of times) {
      now.mockReturnValue(time);
      logger.info('tick');
    }
    expect(logs.lines().map((line) => line['@timestamp'])).toEqual(times.map((time) => new Date(time).toISOString()));
  });
});
