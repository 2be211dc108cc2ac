import { Inject, Injectable } from '@nestjs/common';
import { MetricFactory, type TelemetryGauge } from '../metric-factory';
import { trackActive } from './track-active';

/**
 * `active_sessions`: user sessions open now, as the seeds' dashboards read it
 * (`sum(active_sessions) by (service)`). Opt-in: created when first used through
 * `MetricsService`, or when listed in a module's `providers` and injected.
 * @publicApi
 */
@Injectable()
export class SessionMetrics {
  private readonly active: TelemetryGauge<never>;

  constructor(@Inject(MetricFactory) factory: MetricFactory) {
    this.active = factory.gauge({ name: 'active_sessions', help: 'User sessions currently open' });
  }

  /** A session opened; call the returned function once when it ends (expired or closed). */
  trackActive(): () => void {
    return trackActive(this.active);
  }

  /** The number of open sessions, where the app counts them itself (a session store's size). */
  set(count: number): void {
    this.active.set({}, count);
  }
}
