import { openMetricsToClassic } from './openmetrics-to-classic';

describe('openMetricsToClassic', () => {
  it('should name counter families with _total and drop exemplars and # EOF', () => {
    const openMetrics = [
      '# HELP jobs Jobs done',
      '# TYPE jobs counter',
      'jobs_total{queue="a"} 3',
      '# HELP latency_seconds Latency',
      '# TYPE latency_seconds histogram',
      'latency_seconds_bucket{le="0.1",route="/x"} 1 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 0.05 1700000000.1',
      'latency_seconds_sum{route="/x"} 0.05',
      '# EOF',
      '',
    ].join('\n');
    expect(openMetricsToClassic(openMetrics)).toBe(
      [
        '# HELP jobs_total Jobs done',
        '# TYPE jobs_total counter',
        'jobs_total{queue="a"} 3',
        '',
        '# HELP latency_seconds Latency',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{le="0.1",route="/x"} 1',
        'latency_seconds_sum{route="/x"} 0.05',
        '',
      ].join('\n'),
    );
  });

  it('should not mistake a label value that looks like an exemplar for one', () => {
    const sample = 'requests_total{path="/a # {b=\\"c\\"} d",x="}"} 7 # {trace_id="abc"} 1 1700000000';
    expect(openMetricsToClassic(`# TYPE requests counter\n${sample}\n# EOF\n`)).toBe(
      '# TYPE requests_total counter\nrequests_total{path="/a # {b=\\"c\\"} d",x="}"} 7\n',
    );
  });

  it('should keep a sample without labels', () => {
    expect(openMetricsToClassic('# TYPE up gauge\nup 1\n# EOF\n')).toBe('# TYPE up gauge\nup 1\n');
  });
});
