import { context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent } from './traceparent';
import { StrictTraceContextPropagator } from './strict-trace-context.propagator';
import { W3CTraceState } from './tracestate';

// Vectors written from W3C Trace Context (https://www.w3.org/TR/trace-context/) §3.2, §3.3.
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

describe('parseTraceparent (§3.2)', () => {
  it('reads a valid version-00 header', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
  });

  it.each([
    ['uppercase hex', VALID.toUpperCase()],
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['version 00 with more fields', `${VALID}-extra`],
    ['version 00 one character short', VALID.slice(0, 54)],
    ['version 00 with a trailing character', `${VALID}0`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['non-hex trace id', `00-${TRACE_ID.slice(0, 31)}g-${SPAN_ID}-01`],
    ['short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['non-hex flags', `00-${TRACE_ID}-${SPAN_ID}-0x`],
    ['wrong separators', `00_${TRACE_ID}_${SPAN_ID}_01`],
    ['a higher version whose 55 characters are followed by no dash', `cc-${TRACE_ID}-${SPAN_ID}-01x`],
    ['empty', ''],
    ['unicode', `00-${TRACE_ID}-${SPAN_ID}-0\u00e9`],
  ])('rejects %s', (_, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('rejects several traceparent headers', () => {
    expect(parseTraceparent([VALID, VALID])).toBeUndefined();
    expect(parseTraceparent([VALID])).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
  });

  it('reads a higher version as 00 when its fields are followed by the end or a dash', () => {
    expect(parseTraceparent(`cc-${TRACE_ID}-${SPAN_ID}-01`)?.traceId).toBe(TRACE_ID);
    expect(parseTraceparent(`cc-${TRACE_ID}-${SPAN_ID}-01-what-the-future-will-be-like`)?.spanId).toBe(SPAN_ID);
  });

  it('keeps sampled and random, and drops flags this version does not know', () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-ff`)?.traceFlags).toBe(0x03);
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-02`)?.traceFlags).toBe(0x02);
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID }, 0xff)).toBe(`00-${TRACE_ID}-${SPAN_ID}-03`);
  });
});

describe('W3CTraceState.parse (§3.3)', () => {
  const serialized = (header: string | string[]) => W3CTraceState.parse(header)?.serialize();

  it('accepts the spec examples and keeps member order and bytes', () => {
    expect(serialized('rojo=00f067aa0ba902b7')).toBe('rojo=00f067aa0ba902b7');
    expect(serialized('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE')).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
  });

  it('allows optional white space around members and empty members', () => {
    expect(serialized(' rojo=1 ,\tcongo=2\t')).toBe('rojo=1,congo=2');
    expect(serialized(',,rojo=1, ,')).toBe('rojo=1');
    expect(serialized('')).toBe('');
  });

  it('combines several headers into one list', () => {
    expect(serialized(['rojo=1', 'congo=2'])).toBe('rojo=1,congo=2');
    expect(serialized(['rojo=1', 'rojo=2'])).toBeUndefined();
  });

  it('accepts 32 members and discards the whole header at 33', () => {
    const members = (count: number) => Array.from({ length: count }, (_, i) => `k${i}=v${i}`).join(',');
    expect(W3CTraceState.parse(members(32))?.size).toBe(32);
    expect(W3CTraceState.parse(members(33))).toBeUndefined();
  });

  it('discards the whole header when a key repeats', () => {
    expect(serialized('rojo=1,congo=2,rojo=3')).toBeUndefined();
  });

  it.each([
    ['a', true],
    ['a'.repeat(256), true],
    ['a'.repeat(257), false],
    ['foo_bar-baz*qux/1', true],
    ['1abc', false], // a simple key starts with a lowercase letter
    ['Rojo', false],
    ['ro jo', false],
    ['rojo.x', false],
    ['fw529a3039@dt', true], // the spec's multi-tenant example
    ['1a2b@dt', true], // a tenant id may start with a digit
    ['_a@dt', false],
    [`${'t'.repeat(241)}@dt`, true],
    [`${'t'.repeat(242)}@dt`, false],
    [`tenant@${'s'.repeat(14)}`, true],
    [`tenant@${'s'.repeat(15)}`, false],
    ['tenant@1sys', false], // a system id starts with a lowercase letter
    ['tenant@', false],
    ['@sys', false],
    ['a@b@c', false],
  ])('key %j valid: %s', (key, valid) => {
    expect(W3CTraceState.parse(`${key}=v`) !== undefined).toBe(valid);
  });

  it.each([
    ['v', true],
    ['x'.repeat(256), true],
    ['x'.repeat(257), false],
    [' leading space is a chr', true],
    ['inner space', true],
    ['!"#$%&\'()*+-./:;<>?@[\\]^_`{|}~', true], // every printable but "," and "="
    ['a=b', false],
    ['', false],
    ['tab\there', false],
    ['del\x7f', false],
    ['caf\u00e9', false],
    ['\u001b[31mred', false],
  ])('value %j valid: %s', (value, valid) => {
    expect(W3CTraceState.parse(`k=${value}`) !== undefined).toBe(valid);
  });

  it('rejects a member without "="', () => {
    expect(serialized('rojo=1,congo')).toBeUndefined();
  });

  it('moves a set key to the front and never grows past 32 members', () => {
    const state = W3CTraceState.parse('rojo=1,congo=2')!;
    expect(state.set('congo', '3').serialize()).toBe('congo=3,rojo=1');
    expect(state.set('new', 'x').serialize()).toBe('new=x,rojo=1,congo=2');
    expect(state.set('Bad', 'x')).toBe(state);
    expect(state.unset('rojo').serialize()).toBe('congo=2');
    const full = W3CTraceState.parse(Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(','))!;
    expect(full.set('new', 'x').size).toBe(32);
    expect(full.set('new', 'x').get('k31')).toBeUndefined();
  });
});

describe('StrictTraceContextPropagator', () => {
  const propagator = new StrictTraceContextPropagator();
  const extract = (headers: Record<string, string | string[]>) => propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const inject = (ctx: ReturnType<typeof extract>) => {
    const carrier: Record<string, string> = {};
    propagator.inject(ctx, carrier, defaultTextMapSetter);
    return carrier;
  };
  /** The context a local child span would give an outgoing call: same trace, new id, sampled only. */
  const child = (ctx: ReturnType<typeof extract>) => {
    const parent = trace.getSpanContext(ctx)!;
    return trace.setSpanContext(ctx, { ...parent, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: false });
  };

  it('forwards an accepted tracestate unchanged to downstream calls', () => {
    const state = 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,fw529a3039@dt=x y';
    const outgoing = inject(child(extract({ traceparent: VALID, tracestate: state })));
    expect(outgoing.traceparent).toBe(`00-${TRACE_ID}-b7ad6b7169203331-01`);
    expect(outgoing.tracestate).toBe(state);
  });

  it('drops an invalid tracestate but keeps the valid traceparent', () => {
    const ctx = extract({ traceparent: VALID, tracestate: 'rojo=1,Bad=2' });
    expect(trace.getSpanContext(ctx)?.traceId).toBe(TRACE_ID);
    expect(trace.getSpanContext(ctx)?.traceState).toBeUndefined();
    expect(inject(child(ctx)).tracestate).toBeUndefined();
  });

  it('ignores a tracestate that comes without a valid traceparent', () => {
    expect(trace.getSpanContext(extract({ tracestate: 'rojo=1' }))).toBeUndefined();
    expect(trace.getSpanContext(extract({ traceparent: VALID.toUpperCase(), tracestate: 'rojo=1' }))).toBeUndefined();
  });

  it('keeps the random flag of a continued trace, and sets it on traces started here', () => {
    const random = extract({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-03` });
    expect(inject(child(random)).traceparent).toMatch(/-03$/);
    const notRandom = extract({ traceparent: VALID });
    expect(inject(child(notRandom)).traceparent).toMatch(/-01$/);
    const local = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
    expect(inject(local).traceparent).toBe(`00-${TRACE_ID}-${SPAN_ID}-03`);
  });

  it('passes a remote context through with its received flags', () => {
    expect(inject(extract({ traceparent: `cc-${TRACE_ID}-${SPAN_ID}-ff-future` })).traceparent).toBe(`00-${TRACE_ID}-${SPAN_ID}-03`);
  });

  it('injects nothing for an invalid or missing span context', () => {
    expect(inject(context.active())).toEqual({});
  });
});
