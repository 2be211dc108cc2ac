import { SpanStatusCode, type Attributes, type HrTime, type Span, type SpanContext, type SpanKind } from '@opentelemetry/api';
import { addHrTimes, millisToHrTime } from '@opentelemetry/core';

/**
 * Makes the SDK's spans: objects of its span class (`SpanImpl`, its prototype and so every
 * method of it), with the fields its constructor sets, set by a constructor of the
 * library's own that takes them as arguments.
 *
 * Why: `new SpanImpl(options)` takes an options object made for the call (about 150 bytes
 * a span), counts the attributes again (`Object.keys`), reads the clock three times
 * (`Date.now()`, `performance.now()` and the `performance.timeOrigin` getter) and runs
 * through V8's generic construct stub; the request's span is started from a time the
 * request pipeline has already read.
 *
 * A constructor is only made for a span class whose fields it has checked: a span it made must
 * have the very own properties, in the same order, as a span the class's own constructor
 * made, and answer its methods as that span does. A span class of another shape (another
 * SDK version) gets none, and its spans keep coming from its constructor.
 * @internal
 */
export type SdkSpanConstructor = new (...parameters: Parameters<ReturnType<typeof sdkSpanFunction>>) => Span;

/** The fields of an SDK span its end time is computed from (SpanImpl's). */
interface SpanTimeFields {
  readonly startTime: HrTime;
  readonly _performanceStartTime: number;
}

// Constant for the life of a thread; SpanImpl reads the getter on every span.
const TIME_ORIGIN = performance.timeOrigin;

/** A new constructor function (each span class gets its own, with that class's prototype). */
function sdkSpanFunction() {
  // SpanImpl's constructor, as of @opentelemetry/sdk-trace 2.x and 3.x, with the fields in the order it sets them.
  return function SdkSpan(
    this: Record<string, unknown>,
    spanContext: SpanContext,
    name: string,
    kind: SpanKind,
    parentSpanContext: SpanContext | undefined,
    attributes: Attributes,
    attributesCount: number,
    droppedAttributesCount: number,
    resource: object,
    scope: object,
    spanProcessor: object,
    spanLimits: object,
    recordEndMetrics: (() => void) | undefined,
    /** The span's start on the performance clock (`performance.now()`). */
    startedAt: number,
  ): void {
    const now = Date.now();
    this._spanContext = spanContext;
    this.kind = kind;
    this.parentSpanContext = parentSpanContext;
    this.attributes = attributes;
    this.links = [];
    this.events = [];
    this.startTime = millisToHrTime(now);
    this.resource = resource;
    this.instrumentationScope = scope;
    this._droppedAttributesCount = droppedAttributesCount;
    this._droppedEventsCount = 0;
    this._droppedLinksCount = 0;
    this._attributesCount = attributesCount;
    this.name = name;
    this.status = { code: SpanStatusCode.UNSET };
    this.endTime = [0, 0];
    this._ended = false;
    this._duration = [-1, -1];
    this._spanProcessor = spanProcessor;
    this._spanLimits = spanLimits;
    this._recordEndMetrics = recordEndMetrics;
    this._performanceStartTime = startedAt;
    this._performanceOffset = now - (startedAt + TIME_ORIGIN);
    this._startTimeProvided = false;
  };
}

/**
 * A constructor for the spans of `SpanClass`, or undefined when a span it makes would not be
 * one `sample` (a span the class's constructor made, not ended) could tell apart from itself.
 * @internal
 */
export function sdkSpanConstructor(SpanClass: abstract new (...args: never[]) => Span, sample: Span): SdkSpanConstructor | undefined {
  const SdkSpan = sdkSpanFunction();
  // The class's own prototype: `instanceof`, `constructor` and every method are the SDK's.
  SdkSpan.prototype = SpanClass.prototype;
  const constructor = SdkSpan as unknown as SdkSpanConstructor;
  return sameShape(constructor, sample) ? constructor : undefined;
}

/** Whether a span `SdkSpan` makes has the own properties of `sample`, in order, and answers as it does. */
function sameShape(SdkSpan: SdkSpanConstructor, sample: Span): boolean {
  const fields = sample as unknown as Record<string, unknown>;
  try {
    const probe = new SdkSpan(
      sample.spanContext(),
      fields.name as string,
      fields.kind as SpanKind,
      fields.parentSpanContext as SpanContext | undefined,
      {},
      0,
      0,
      fields.resource as object,
      fields.instrumentationScope as object,
      fields._spanProcessor as object,
      fields._spanLimits as object,
      undefined,
      performance.now(),
    );
    const probeFields = probe as unknown as Record<string, unknown>;
    return (
      Object.getPrototypeOf(probe) === Object.getPrototypeOf(sample) &&
      Object.keys(probe).join() === Object.keys(sample).join() &&
      Object.getOwnPropertySymbols(probe).length === Object.getOwnPropertySymbols(sample).length &&
      // Its methods and getters read the same fields (a private `#field` of a later class would throw here).
      probe.spanContext() === sample.spanContext() &&
      probe.isRecording() &&
      probeFields.ended === false &&
      probeFields.droppedAttributesCount === 0 &&
      (probeFields.duration as HrTime)[0] === -1 &&
      typeof probeFields._performanceOffset === typeof fields._performanceOffset &&
      Array.isArray(probeFields.startTime) &&
      Array.isArray(fields.startTime)
    );
  } catch {
    return false;
  }
}

/**
 * The end time of an SDK span, for an end read on the performance clock: its
 * start and the time since, as SpanImpl's `end()` computes it when given no time, without
 * reading the clock again.
 * @internal
 */
export function endTimeOf(span: Span, endedAt: number): HrTime {
  const fields = span as unknown as SpanTimeFields;
  return addHrTimes(fields.startTime, millisToHrTime(endedAt - fields._performanceStartTime));
}
