import { SeverityNumber, type Logger } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { withOtlpLogBridge } from './otlp-log-bridge';

describe('withOtlpLogBridge', () => {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  afterEach(() => exporter.reset());
  afterAll(() => provider.shutdown());

  it('writes each line to the destination and emits it as a log record with its trace context', () => {
    const written: string[] = [];
    const destination = withOtlpLogBridge({ write: (line: string) => written.push(line) }, provider.getLogger('test'));
    const line = JSON.stringify({
      '@timestamp': '2026-11-22T10:00:00.123Z',
      '@level': 'WARN',
      '@message': 'payment slow',
      service: 'orders',
      tracking_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      tracing: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' },
      payment: { provider: 'acme', ms: 812 },
    });
    destination.write(`${line}\n`);
    expect(written).toEqual([`${line}\n`]);
    const [record] = exporter.getFinishedLogRecords();
    expect(record.body).toBe('payment slow');
    expect(record.severityText).toBe('WARN');
    expect(record.severityNumber).toBe(SeverityNumber.WARN);
    expect(record.spanContext).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' });
    expect(record.attributes).toEqual({ tracking_id: '4bf92f3577b34da6a3ce929d0e0e4736', payment: { provider: 'acme', ms: 812 } });
    expect(record.hrTime[0]).toBe(Date.parse('2026-11-22T10:00:00.123Z') / 1000 - 0.123);
  });

  it('sends a line that is not JSON as its body, and never fails the write', () => {
    const written: string[] = [];
    const destination = withOtlpLogBridge({ write: (line: string) => written.push(line) }, provider.getLogger('test'));
    destination.write('plain text line\n');
    const throwing = withOtlpLogBridge({ write: (line: string) => written.push(line) }, { emit: () => { throw new Error('exporter broke'); } } as unknown as Logger);
    expect(() => throwing.write('{"@message":"still written"}\n')).not.toThrow();
    expect(written).toEqual(['plain text line\n', '{"@message":"still written"}\n']);
    expect(exporter.getFinishedLogRecords()[0].body).toBe('plain text line');
  });
});
