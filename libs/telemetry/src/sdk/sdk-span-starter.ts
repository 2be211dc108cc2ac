import {
  createNoopMeter,
  INVALID_SPAN_CONTEXT,
  SamplingDecision,
  SpanKind,
  TraceFlags,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { cleanAttributes, isTracingSuppressed } from '@opentelemetry/core';
import type { Sampler, SpanProcessor } from '@opentelemetry/sdk-trace';
import { PooledRandomIdGenerator } from './pooled-random-id-generator';
import { endTimeOf, sdkSpanConstructor, type SdkSpanConstructor } from './sdk-span-constructor';

/** What the SDK's `Tracer` keeps from its provider (fields of `@opentelemetry/sdk-trace` 2.x and 3.x). */
interface SdkTracerFields {
  readonly _sampler: Sampler;
  readonly _idGenerator: { generateTraceId(): string; generateSpanId(): string };
  readonly _spanLimits: { attributeCountLimit: number; attributeValueLengthLimit: number };
  readonly _resource: object;
  readonly _spanProcessor: SpanProcessor;
  readonly instrumentationScope: object;
  readonly _tracerMetrics: {
    startSpan(parent: SpanContext | undefined, decision: SamplingDecision): (() => void) | undefined;
    /** The instruments it records to (sdk-trace 2.x and 3.x). */
    readonly startedSpans?: unknown;
    readonly liveSpans?: unknown;
  };
}

/** The options of the SDK's `SpanImpl` constructor, as its `Tracer.startSpan` passes them. */
interface SdkSpanOptions {
  resource: object;
  scope: object;
  context: Context;
  spanContext: SpanContext;
  name: string;
  kind: SpanKind;
  links: [];
  parentSpanContext: SpanContext | undefined;
  attributes: Attributes;
  droppedAttributesCount: number;
  startTime: undefined;
  spanProcessor: SpanProcessor;
  spanLimits: SdkTracerFields['_spanLimits'];
  recordEndMetrics: (() => void) | undefined;
}
type SdkSpanClass = new (options: SdkSpanOptions) => Span;

const NO_ATTRIBUTE_LIMITS = { attributeCountLimit: Infinity, attributeValueLengthLimit: Infinity };

// OpenTelemetry's no-op instruments: one of each kind for the process.
const NOOP_COUNTER = createNoopMeter().createCounter('nest-telemetry.probe');
const NOOP_UP_DOWN_COUNTER = createNoopMeter().createUpDownCounter('nest-telemetry.probe');

/** The attributes of a span, made only when it will record unless the sampler reads them; given the span's trace id, for attributes that repeat it. */
export type SpanAttributesSource = (traceId: string) => Attributes;

/** The SDK span's own fields `setValidAttribute` keeps as `SpanImpl.setAttribute` does. */
interface SdkSpanFields {
  readonly attributes: Record<string, unknown>;
  readonly _spanLimits: SdkTracerFields['_spanLimits'];
  _attributesCount: number;
  readonly _ended: boolean;
  readonly _startTimeProvided: boolean;
}

/**
 * Starts the SDK's own spans (`SpanImpl`) without going through `Tracer.startSpan`, for
 * the one span every request has and the library's own spans (`@Traced()`,
 * `TraceService`): the same ids, sampler call, SDK span metrics, span
 * processors and span class, so a span started here is the SDK's span in every respect.
 *
 * Why: in `@opentelemetry/sdk-trace` 3.x, `Tracer.startSpan` reads `@opentelemetry/api`
 * through the bundler's interop object, whose getters are bound functions V8 cannot
 * inline (rolldown/rolldown#8719): five property reads through the runtime, 1.1-1.3 µs a
 * span, a quarter of its time (BENCHMARKS.md). It also validates attributes the request
 * pipeline built valid, twice. Started here, a SERVER span's start and end take about 40 %
 * less time. Once a span of the SDK's class has shown its fields, spans are made by a
 * constructor of the library's own with that class's prototype and fields
 * (SdkSpanConstructor): no options object, and the request's own start time.
 *
 * It relies on the tracer's fields, which are not public API: it works only once it has
 * checked them against a span the tracer itself started (`learnFrom`), and starts nothing
 * otherwise, so the caller goes through `Tracer.startSpan` on an SDK that differs.
 * @internal
 */
export class SdkSpanStarter {
  private spanClass: SdkSpanClass | undefined;
  /** Makes the span class's spans without its constructor's options object, once checked against a span of its own (SdkSpanConstructor). */
  private spanConstructor: SdkSpanConstructor | undefined;
  /** Set once a span the tracer made did not match its fields: the fast path stays off. */
  private mismatched = false;

  /**
   * Whether every span this starter starts has a valid span context, or none at all
   * (suppressed tracing): its ids come from the library's own generator, which never makes
   * an invalid one, and a parent's are used only once checked. Callers then need not check
   * the ids again (`isSpanContextValid`: two regular expressions, about 240 ns).
   */
  readonly startsValidIds: boolean;

  /**
   * Whether the tracer's span metrics (`otel.sdk.span.started`, `otel.sdk.span.live`) go
   * anywhere: without a meter provider they go to OpenTelemetry's no-op instruments, and
   * recording them would only make two attribute objects and a closure a span.
   */
  private readonly recordsSpanMetrics: boolean;

  private constructor(private readonly tracer: SdkTracerFields) {
    this.startsValidIds = tracer._idGenerator instanceof PooledRandomIdGenerator;
    const { startedSpans, liveSpans } = tracer._tracerMetrics;
    this.recordsSpanMetrics = !(startedSpans === NOOP_COUNTER && liveSpans === NOOP_UP_DOWN_COUNTER);
  }

  /** A starter for an SDK tracer, or undefined for any other (a proxy's no-op, a user's own implementation). */
  static for(tracer: Tracer): SdkSpanStarter | undefined {
    return hasSdkTracerFields(tracer) ? new SdkSpanStarter(tracer) : undefined;
  }

  /** Whether `start` starts spans: after a span of the tracer's own confirmed its fields. */
  get ready(): boolean {
    return this.spanClass !== undefined;
  }

  /**
   * Learns the span class from a recording span the tracer started, if that span holds the
   * very processor, limits, resource and scope the tracer has: then its constructor takes
   * them as `Tracer.startSpan` passes them.
   */
  learnFrom(span: Span): void {
    if (this.spanClass !== undefined || this.mismatched || !span.isRecording()) return;
    const fields = span as unknown as Record<string, unknown>;
    const tracer = this.tracer;
    const matches =
      typeof fields._attributesCount === 'number' &&
      typeof fields._ended === 'boolean' &&
      typeof fields.attributes === 'object' &&
      fields._spanProcessor === tracer._spanProcessor &&
      fields._spanLimits === tracer._spanLimits &&
      fields.resource === tracer._resource &&
      fields.instrumentationScope === tracer.instrumentationScope &&
      typeof span.constructor === 'function' &&
      span.constructor !== Object;
    if (matches) {
      this.spanClass = span.constructor as SdkSpanClass;
      this.spanConstructor = sdkSpanConstructor(this.spanClass, span);
    } else this.mismatched = true;
  }

  /**
   * Sets an attribute whose value the caller knows valid (a string or a finite number) on a
   * span this starter started, as `SpanImpl.setAttribute` does but without its check of the
   * value's type, which allocates a `WeakSet` per call (`isAnyValue` in `@opentelemetry/core`).
   * Anything else (another span, an ended one, a limit reached, a value to cut) goes
   * through `setAttribute`, with the SDK's own handling and warnings.
   */
  setValidAttribute(span: Span, key: string, value: string | number): void {
    const fields = span as unknown as SdkSpanFields;
    if (this.spanClass === undefined || span.constructor !== this.spanClass || fields._ended || key.length === 0) {
      span.setAttribute(key, value);
      return;
    }
    const attributes = fields.attributes;
    const isNew = !Object.hasOwn(attributes, key);
    const limits = fields._spanLimits;
    if ((isNew && fields._attributesCount >= limits.attributeCountLimit) || (typeof value === 'string' && !(value.length <= limits.attributeValueLengthLimit))) {
      span.setAttribute(key, value);
      return;
    }
    attributes[key] = value;
    if (isNew) fields._attributesCount++;
  }

  /**
   * The attributes object of a span this starter started, for the caller to set up to
   * `newAttributes` attributes it knows valid (strings of at most `longest` characters, or
   * finite numbers) with its own code, then report them (`countAttributes`); undefined
   * where `setValidAttribute` would not set them directly (another span, an ended one, a
   * limit that could be reached). Why: a store site that sees several keys is megamorphic,
   * as `setValidAttribute`'s is (KeyedStoreIC_Megamorphic under the span's end in the
   * app's profile); a caller storing each key from a site of its own is not.
   */
  writableAttributes(span: Span, newAttributes: number, longest: number): Record<string, unknown> | undefined {
    const fields = span as unknown as SdkSpanFields;
    if (this.spanClass === undefined || span.constructor !== this.spanClass || fields._ended) return undefined;
    const limits = fields._spanLimits;
    if (fields._attributesCount + newAttributes > limits.attributeCountLimit || !(longest <= limits.attributeValueLengthLimit)) return undefined;
    return fields.attributes;
  }

  /**
   * Ends a span at `endedAt`, a reading of the performance clock (`performance.now()`), as
   * `span.end(endedAt)` does. For a span of the SDK's class started without a start time of
   * its own, the end is computed from its start as `end()` computes it, and handed to the
   * span as an `HrTime`: `end(number)` reads the clock again to tell a performance reading
   * from an epoch one, and converts it through three new arrays and the `timeOrigin` getter.
   */
  end(span: Span, endedAt: number): void {
    const fields = span as unknown as SdkSpanFields;
    if (this.spanConstructor === undefined || span.constructor !== this.spanClass || fields._startTimeProvided !== false) span.end(endedAt);
    else span.end(endTimeOf(span, endedAt));
  }

  /** Counts the attributes new to a span that the caller of `writableAttributes` set. */
  countAttributes(span: Span, added: number): void {
    (span as unknown as SdkSpanFields)._attributesCount += added;
  }

  /**
   * Starts a span as `tracer.startSpan(name, { kind, attributes }, context)` does (no links,
   * no start time), or returns undefined before `learnFrom` has confirmed the tracer.
   * With `attributesValid`, `attributes` must be valid attribute values already (strings,
   * numbers, booleans, arrays of one of them) and the SDK's check of their types is
   * skipped; they are made before sampling when the sampler reads them
   * (`samplerReadsAttributes`), else only for a span that records. Without it (attributes
   * of the app's own), they are made and checked before sampling, as the tracer does. The
   * SDK's limits apply either way. `startedAt` is the span's start on the performance clock
   * (`performance.now()`), when the caller has read it already.
   */
  start(
    name: string,
    kind: SpanKind,
    context: Context,
    attributes: SpanAttributesSource,
    samplerReadsAttributes: boolean,
    attributesValid = true,
    startedAt?: number,
  ): Span | undefined {
    const SpanClass = this.spanClass;
    if (SpanClass === undefined) return undefined;
    if (isTracingSuppressed(context)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const tracer = this.tracer;
    const parentSpanContext = trace.getSpan(context)?.spanContext();
    const spanId = tracer._idGenerator.generateSpanId();
    let traceId: string;
    let traceState = undefined;
    let validParentSpanContext: SpanContext | undefined;
    if (parentSpanContext === undefined || !trace.isSpanContextValid(parentSpanContext)) {
      traceId = tracer._idGenerator.generateTraceId();
    } else {
      traceId = parentSpanContext.traceId;
      traceState = parentSpanContext.traceState;
      validParentSpanContext = parentSpanContext;
    }
    let spanAttributes: Attributes | undefined;
    let droppedAttributesCount = 0;
    if (!attributesValid) {
      // The tracer's own first check, before sampling as it does it: invalid values and empty keys dropped, and counted.
      const checked = cleanAttributes(attributes(traceId), NO_ATTRIBUTE_LIMITS);
      spanAttributes = checked.attributes ?? {};
      droppedAttributesCount = checked.droppedAttributesCount ?? 0;
    } else if (samplerReadsAttributes) {
      spanAttributes = attributes(traceId);
    }
    const result = tracer._sampler.shouldSample(context, traceId, name, kind, spanAttributes ?? {}, []);
    const decision = result.decision;
    const recordEndMetrics = this.recordsSpanMetrics ? tracer._tracerMetrics.startSpan(parentSpanContext, decision) : undefined;
    const spanContext: SpanContext = {
      traceId,
      spanId,
      traceFlags: decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState: result.traceState ?? traceState,
    };
    if (decision === SamplingDecision.NOT_RECORD) return trace.wrapSpanContext(spanContext);
    spanAttributes ??= attributes(traceId);
    let attributesCount = result.attributes === undefined ? countWithinLimits(spanAttributes, tracer._spanLimits) : -1;
    if (attributesCount < 0) {
      // The SDK's own merge and limits, as Tracer.startSpan applies them.
      const cleaned = cleanAttributes(Object.assign(spanAttributes, result.attributes), tracer._spanLimits);
      spanAttributes = cleaned.attributes ?? {};
      droppedAttributesCount += cleaned.droppedAttributesCount ?? 0;
      attributesCount = Object.keys(spanAttributes).length;
    }
    const SdkSpan = this.spanConstructor;
    if (SdkSpan !== undefined) {
      const span = new SdkSpan(
        spanContext,
        name,
        kind,
        validParentSpanContext,
        spanAttributes,
        attributesCount,
        droppedAttributesCount,
        tracer._resource,
        tracer.instrumentationScope,
        tracer._spanProcessor,
        tracer._spanLimits,
        recordEndMetrics,
        startedAt ?? performance.now(),
      );
      // The last step of SpanImpl's constructor.
      tracer._spanProcessor.onStart(span as Parameters<SpanProcessor['onStart']>[0], context);
      return span;
    }
    return new SpanClass({
      resource: tracer._resource,
      scope: tracer.instrumentationScope,
      context,
      spanContext,
      name,
      kind,
      links: [],
      parentSpanContext: validParentSpanContext,
      attributes: spanAttributes,
      droppedAttributesCount,
      startTime: undefined,
      spanProcessor: tracer._spanProcessor,
      spanLimits: tracer._spanLimits,
      recordEndMetrics,
    });
  }
}

function hasSdkTracerFields(tracer: Tracer): tracer is Tracer & SdkTracerFields {
  const fields = tracer as unknown as Partial<Record<keyof SdkTracerFields, { [method: string]: unknown }>>;
  return (
    typeof fields._sampler?.shouldSample === 'function' &&
    typeof fields._idGenerator?.generateTraceId === 'function' &&
    typeof fields._idGenerator?.generateSpanId === 'function' &&
    typeof fields._spanLimits === 'object' &&
    typeof fields._resource === 'object' &&
    typeof fields._spanProcessor?.onStart === 'function' &&
    typeof fields._spanProcessor?.onEnd === 'function' &&
    typeof fields.instrumentationScope === 'object' &&
    typeof fields._tracerMetrics?.startSpan === 'function'
  );
}

/**
 * How many attributes there are when no attribute would be dropped or cut by the span
 * limits (strings and string arrays only, as the pipeline makes them), else -1.
 */
function countWithinLimits(attributes: Attributes, limits: SdkTracerFields['_spanLimits']): number {
  const countLimit = limits.attributeCountLimit ?? Infinity;
  const lengthLimit = limits.attributeValueLengthLimit ?? Infinity;
  let count = 0;
  for (const key in attributes) {
    if (++count > countLimit) return -1;
    if (lengthLimit === Infinity) continue;
    const value = attributes[key];
    if (typeof value === 'string') {
      if (value.length > lengthLimit) return -1;
    } else if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'string' && item.length > lengthLimit) return -1;
    }
  }
  return count;
}
