import type { TelemetryGauge } from '../metric-factory';

/** Counts one thing in `gauge` until the returned function is called; calling it again changes nothing. @internal */
export function trackActive(gauge: TelemetryGauge<never>): () => void {
  gauge.inc();
  let done = false;
  return () => {
    if (!done) gauge.dec();
    done = true;
  };
}
