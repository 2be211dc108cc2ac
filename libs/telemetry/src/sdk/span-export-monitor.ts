import {
  createNoopMeter,
  type Attributes,
  type Meter,
  type MeterProvider,
  type ObservableCallback,
  type ObservableResult,
} from '@opentelemetry/api';

/** What happened to the spans handed to the exporter so far. @publicApi */
export interface SpanExportStats {
  /** Spans the collector accepted. */
  exported: number;
  /** Spans lost in a failed export (collector down, refused, timed out). */
  failed: number;
  /** Spans dropped because the export queue was full. */
  dropped: number;
  /** Spans waiting in the queue now. */
  queued: number;
  /** Size of the queue (`maxQueueSize`). */
  queueCapacity: number;
}

/** Where export trouble is written: the app's logger once TelemetryModule runs, stderr before. @publicApi */
export interface ExportEventLogger {
  warn(message: string): void;
  log(message: string): void;
}

// The span processor's self-observability instruments (OpenTelemetry semantic conventions).
const PROCESSED = 'otel.sdk.processor.span.processed';
const QUEUE_CAPACITY = 'otel.sdk.processor.span.queue.capacity';
const QUEUE_SIZE = 'otel.sdk.processor.span.queue.size';
const QUEUE_FULL = 'queue_full';

const stderrLogger: ExportEventLogger = {
  warn: (message) => process.stderr.write(`nest-telemetry: ${message}\n`),
  log: (message) => process.stderr.write(`nest-telemetry: ${message}\n`),
};

/**
 * Watches span export without reaching into the SDK: the BatchSpanProcessor reports every
 * span it finished, failed or dropped to the meter provider given as its
 * `selfObsMeterProvider`, which is this object; export errors arrive through
 * OpenTelemetry's global error handler. It keeps the counts (for the
 * `otel_export_*` metrics) and logs export failures at most once per interval, with how
 * many were suppressed, and once more when export works again.
 * @internal
 */
export class SpanExportMonitor {
  readonly meterProvider: MeterProvider;
  private readonly counts = { exported: 0, failed: 0, dropped: 0, queueCapacity: 0 };
  private readonly queueCallbacks: ObservableCallback[] = [];
  private logger: ExportEventLogger = stderrLogger;
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  private failing = false;

  constructor(
    private readonly target: string,
    private readonly logIntervalMillis: number,
    private readonly now: () => number = Date.now,
  ) {
    // Over the no-op meter, not into it: `createNoopMeter()` is one object for the whole
    // process (the global meter when no provider is set), and changed in place it would
    // count the spans of every other processor and library reading it.
    const meter: Meter = Object.assign(Object.create(createNoopMeter()) as Meter, {
      createCounter: (name: string) => ({ add: (value: number, attributes?: Attributes) => this.count(name, value, attributes) }),
      createUpDownCounter: (name: string) => ({ add: (value: number) => this.count(name, value, undefined) }),
      createObservableUpDownCounter: (name: string) => ({
        addCallback: (callback: ObservableCallback) => name === QUEUE_SIZE && this.queueCallbacks.push(callback),
        removeCallback: (callback: ObservableCallback) => {
          const index = this.queueCallbacks.indexOf(callback);
          if (index !== -1) this.queueCallbacks.splice(index, 1);
        },
      }),
    } as Partial<Meter>);
    this.meterProvider = { getMeter: () => meter };
  }

  /** Sends later export messages to this logger (undefined: back to stderr). */
  setLogger(logger: ExportEventLogger | undefined): void {
    this.logger = logger ?? stderrLogger;
  }

  stats(): SpanExportStats {
    let queued = 0;
    const result = { observe: (value: number) => (queued += value) } as ObservableResult;
    for (const callback of this.queueCallbacks) void callback(result);
    return { ...this.counts, queued };
  }

  /** For OpenTelemetry's global error handler: a failed export, or any other SDK error. */
  reportError(error: unknown): void {
    this.failing = true;
    const now = this.now();
    if (now - this.lastLoggedAt < this.logIntervalMillis) {
      this.suppressed++;
      return;
    }
    const suppressed = this.suppressed ? ` (${this.suppressed} more errors in the last ${Math.round((now - this.lastLoggedAt) / 1000)} s not logged)` : '';
    const { failed, dropped } = this.counts;
    this.lastLoggedAt = now;
    this.suppressed = 0;
    this.logger.warn(
      `span export to ${this.target} failed: ${messageOf(error)}${suppressed}; ${failed} spans lost in failed exports, ${dropped} dropped on a full queue so far. Requests are not affected.`,
    );
  }

  private count(name: string, value: number, attributes: Attributes | undefined): void {
    if (name === QUEUE_CAPACITY) {
      this.counts.queueCapacity += value;
      return;
    }
    if (name !== PROCESSED) return;
    const errorType = attributes?.['error.type'];
    if (errorType === QUEUE_FULL) this.counts.dropped += value;
    else if (errorType !== undefined) this.counts.failed += value;
    else {
      this.counts.exported += value;
      if (this.failing) {
        this.failing = false;
        this.logger.log(`span export to ${this.target} works again`);
      }
    }
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.message || error.name}${typeof code === 'string' && !error.message.includes(code) ? ` (${code})` : ''}`;
  }
  return String(error);
}
