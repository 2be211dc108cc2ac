import { Test } from '@nestjs/testing';
import { TELEMETRY_METRICS_REGISTRY, TelemetryModule } from 'nest-telemetry';
import type { Registry } from 'prom-client';
import { SessionStore } from './session.store';

describe('SessionStore', () => {
  it('should count a session in active_sessions until it is closed or expires', async () => {
    process.env.SESSION_TTL_SECONDS = '60';
    const moduleRef = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ serviceName: 'gateway', metrics: { defaultMetrics: false }, logging: { enabled: false } })],
      providers: [SessionStore],
    }).compile();
    await moduleRef.init();
    const store = moduleRef.get(SessionStore);
    const registry = moduleRef.get<Registry>(TELEMETRY_METRICS_REGISTRY);
    const active = async () => Number((await registry.metrics()).match(/^active_sessions\{[^}]*\} (\d+)$/m)?.[1]);
    try {
      const a = store.open('u-1');
      store.open('u-2');
      store.open('u-3');
      expect(await active()).toBe(3);
      expect(store.close(a.session_id)).toBe(true);
      expect(store.close(a.session_id)).toBe(false);
      expect(await active()).toBe(2);
      store.sweep(Date.now() + 61_000);
      expect(await active()).toBe(0);
    } finally {
      delete process.env.SESSION_TTL_SECONDS;
      await moduleRef.close();
    }
  });
});
