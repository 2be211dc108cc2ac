import { Counter, Gauge, Histogram, Registry, type RegistryContentType } from 'prom-client';
import { LabelGuard } from './label-guard';
import { LeanHistogram } from './lean-histogram';
import { LeanValueMetric } from './lean-value-metric';
import { SeriesStore } from './series-store';

type L = 'method' | 'route' | 'status';
const LABELS: L[] = ['method', 'route', 'status'];
const BUCKETS = [0.01, 0.1, 1];
const guard = () => new LabelGuard<L>(LABELS, {}, 1000, () => undefined);

/** Two registries with the same default labels, one for prom-client's metrics and one for ours. */
function registries(contentType: RegistryContentType) {
  const make = () => {
    const registry = new Registry<RegistryContentType>();
    registry.setContentType(contentType);
    registry.setDefaultLabels({ environment: 'dev', service: 'orders' });
    return registry;
  };
  return { theirs: make(), ours: make() };
}

const observations: [Record<L, string | number>, number, Record<string, string> | undefined][] = [
  [{ method: 'GET', route: '/a', status: 200 }, 0.005, { trace_id: 'a'.repeat(32) }],
  [{ method: 'GET', route: '/a', status: 200 }, 0.05, undefined],
  [{ method: 'POST', route: '/b "quoted"\\ \n', status: 500 }, 0.5, { trace_id: 'b'.repeat(32) }],
  [{ method: 'GET', route: '/a', status: 200 }, 7, { trace_id: 'c'.repeat(32) }],
  [{ method: 'GET', route: '/a', status: 200 }, 1, {}],
];

describe('lean metrics', () => {
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_123));
  afterEach(() => jest.restoreAllMocks());

  it.each([Registry.OPENMETRICS_CONTENT_TYPE, Registry.PROMETHEUS_CONTENT_TYPE])(
    'should render a histogram, a counter and a gauge exactly as prom-client does (%s)',
    async (contentType) => {
      const { theirs, ours } = registries(contentType);
      // prom-client keeps exemplars to OpenMetrics registries (the app's registry is one).
      const exemplars = contentType === Registry.OPENMETRICS_CONTENT_TYPE;
      const histogram = new Histogram({ name: 'req_seconds', help: 'h', labelNames: LABELS, buckets: BUCKETS, enableExemplars: exemplars, registers: [theirs] });
      const counter = new Counter({ name: 'req_total', help: 'c', labelNames: LABELS, registers: [theirs] });
      const gauge = new Gauge({ name: 'in_flight', help: 'g', labelNames: ['method'], registers: [theirs] });
      const bare = new Counter({ name: 'restarts_total', help: 'no labels', registers: [theirs] });
      const leanHistogram = new LeanHistogram({ name: 'req_seconds', help: 'h', labelNames: LABELS, guard: guard(), registry: ours }, BUCKETS, exemplars);
      const leanCounter = new LeanValueMetric('counter', { name: 'req_total', help: 'c', labelNames: LABELS, guard: guard(), registry: ours });
      const leanGauge = new LeanValueMetric('gauge', { name: 'in_flight', help: 'g', labelNames: ['method'], guard: new LabelGuard(['method'], {}, 10, () => undefined), registry: ours });
      new LeanValueMetric('counter', { name: 'restarts_total', help: 'no labels', labelNames: [], guard: new LabelGuard([], {}, 10, () => undefined), registry: ours });

      observations.forEach(([labels, value, exemplar], index) => {
        const asStrings = { ...labels, status: String(labels.status) };
        if (exemplars) histogram.observe({ labels: asStrings, value, exemplarLabels: exemplar ?? {} });
        else histogram.observe(asStrings, value);
        counter.inc(asStrings, 2);
        gauge.inc({ method: asStrings.method });
        // Every other observation with the values in label order, as the library's HTTP metrics pass them: the same series.
        if (index % 2 === 0) {
          leanHistogram.observe(labels, value, exemplar);
          leanCounter.inc(labels, 2);
          leanGauge.inc({ method: labels.method }, 1);
        } else {
          leanHistogram.observeValues([labels.method, labels.route, labels.status], value, exemplar);
          leanCounter.incValues([labels.method, labels.route, labels.status], 2);
          leanGauge.incValues([labels.method], 1);
        }
      });
      gauge.dec({ method: 'GET' });
      leanGauge.inc({ method: 'GET' }, -1);
      gauge.set({ method: 'PUT' }, 3);
      leanGauge.set({ method: 'PUT' }, 3);

      const expected = await theirs.metrics();
      expect(expected).toContain('req_seconds_bucket{le="0.01",environment="dev",service="orders",method="GET",route="/a",status="200"} 1');
      expect(await ours.metrics()).toBe(expected);
      // The JSON view, as a JSON client reads it (prom-client's exemplars are instances of a class).
      const json = async (registry: Registry<RegistryContentType>) => JSON.parse(JSON.stringify(await registry.getMetricsAsJSON()));
      expect(await json(ours)).toEqual(await json(theirs));
      theirs.resetMetrics();
      ours.resetMetrics();
      expect(await ours.metrics()).toBe(await theirs.metrics());
    },
  );

  it('should refuse what prom-client refuses: a bad value, a decreasing counter, an oversized exemplar, bad names', () => {
    const ours = new Registry();
    const histogram = new LeanHistogram({ name: 'x_seconds', help: 'h', labelNames: LABELS, guard: guard(), registry: ours }, BUCKETS, true);
    const counter = new LeanValueMetric('counter', { name: 'x_total', help: 'c', labelNames: LABELS, guard: guard(), registry: ours });
    expect(() => histogram.observe({}, Number.NaN)).toThrow(TypeError);
    expect(() => histogram.observe({}, 1, { trace_id: 'x'.repeat(200) })).toThrow(RangeError);
    expect(() => counter.inc({}, -1)).toThrow('not possible to decrease a counter');
    expect(() => counter.inc({}, Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => new LeanValueMetric('gauge', { name: 'bad-name', help: 'g', labelNames: [], guard: new LabelGuard([], {}, 1, () => undefined), registry: ours })).toThrow('Invalid metric name');
    expect(() => new LeanHistogram({ name: 'y', help: 'h', labelNames: ['le'], guard: new LabelGuard(['le'], {}, 1, () => undefined), registry: ours }, BUCKETS, false)).toThrow('le is a reserved');
    expect(() => new LeanValueMetric('counter', { name: 'x_total', help: 'again', labelNames: [], guard: new LabelGuard([], {}, 1, () => undefined), registry: ours })).toThrow('already been registered');
  });
});

describe('SeriesStore', () => {
  it('should give one series per label set, and the same one however the values were spelled', () => {
    const store = new SeriesStore<L, { labels: Readonly<Record<L, string>> }>(LABELS, guard(), (labels) => ({ labels }));
    const a = store.of({ method: 'GET', route: '/a', status: 200 });
    expect(store.of({ method: 'GET', route: '/a', status: 200 })).toBe(a);
    expect(store.of({ method: 'GET', route: '/a', status: '200' })).toBe(a);
    expect(store.of({ method: 'GET', route: '/a', status: 201 })).not.toBe(a);
    expect(a.labels).toEqual({ method: 'GET', route: '/a', status: '200' });
    expect([...store.all()]).toHaveLength(2);
  });

  it('should never mix label sets whose values hold separators or quotes', () => {
    const store = new SeriesStore<L, { labels: Readonly<Record<L, string>> }>(LABELS, guard(), (labels) => ({ labels }));
    const one = store.of({ method: 'a\u0000b', route: 'c', status: '"' });
    const two = store.of({ method: 'a', route: 'b\u0000c', status: '"' });
    const three = store.of({ method: 'a","b', route: 'c', status: '"' });
    expect(new Set([one, two, three]).size).toBe(3);
    expect(two.labels.route).toBe('b\u0000c');
  });

  it('should count every observation of a value recorded as "other", cached or not', () => {
    const overflows: string[] = [];
    const capped = new LabelGuard<L>(LABELS, { method: ['GET'] }, 2, (label) => overflows.push(label));
    const store = new SeriesStore<L, { labels: Readonly<Record<L, string>> }>(LABELS, capped, (labels) => ({ labels }));
    const first = store.of({ method: 'BREW', route: '/a' });
    expect(store.of({ method: 'BREW', route: '/a' })).toBe(first);
    expect(store.of({ method: 'TEA', route: '/a' })).toBe(first);
    expect(first.labels.method).toBe('other');
    expect(overflows).toEqual(['method', 'method', 'method']);
    // Over the cap of two routes: '/c' and '/d' share the "other" series.
    store.of({ method: 'GET', route: '/b' });
    const c = store.of({ method: 'GET', route: '/c' });
    expect(store.of({ method: 'GET', route: '/d' })).toBe(c);
    expect(c.labels.route).toBe('other');
  });

  it('should stay right past its cache: an unbounded stream of label sets is guarded on every observation', () => {
    const overflows: string[] = [];
    const capped = new LabelGuard<L>(LABELS, {}, 100, (label) => overflows.push(label));
    const store = new SeriesStore<L, { labels: Readonly<Record<L, string>> }>(LABELS, capped, (labels) => ({ labels }));
    for (let index = 0; index < 10_000; index++) store.of({ method: 'GET', route: '/a', status: index });
    expect([...store.all()]).toHaveLength(101);
    expect(overflows).toHaveLength(10_000 - 100);
    expect(store.of({ method: 'GET', route: '/a', status: 9_999 }).labels.status).toBe('other');
    expect(store.of({ method: 'GET', route: '/a', status: 5 }).labels.status).toBe('5');
  });
});
