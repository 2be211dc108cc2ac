import 'reflect-metadata';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { firstValueFrom, lastValueFrom, map, throwError, timer } from 'rxjs';
import { SdkSpanStarter } from '../sdk/sdk-span-starter';
import { InMemoryTracing } from '../testing/in-memory-tracing';
import { Traced } from './traced.decorator';

class Payments {
  @Traced()
  sync(value: number): number {
    return value * 2;
  }

  @Traced({ name: 'payments.charge', kind: SpanKind.CLIENT, attributes: { 'payment.provider': 'acme' } })
  async charge(amount: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return `charged ${amount}`;
  }

  @Traced()
  explode(): never {
    throw new TypeError('sync boom');
  }

  @Traced()
  async reject(): Promise<never> {
    await Promise.resolve();
    throw new RangeError('async boom');
  }

  @Traced()
  stream() {
    return timer(5).pipe(map(() => trace.getActiveSpan()));
  }

  @Traced()
  failingStream() {
    return throwError(() => new Error('stream boom'));
  }

  @Traced()
  async outer(): Promise<void> {
    await this.charge(1);
  }
}

@Traced({ attributes: { layer: 'repository' } })
class Repository {
  find(id: string): string {
    return `found ${id}`;
  }

  async save(): Promise<boolean> {
    return true;
  }

  @Traced({ name: 'custom.delete' })
  delete(): void {}

  get accessor(): string {
    return 'not traced';
  }
}

describe('@Traced()', () => {
  let tracing: InMemoryTracing;
  beforeEach(() => (tracing = InMemoryTracing.start()));
  afterEach(() => tracing.stop());

  const payments = new Payments();

  it('should trace a sync method with the Class.method name and keep its result', () => {
    expect(payments.sync(21)).toBe(42);
    const span = tracing.span('Payments.sync');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('should end an async span after the promise settles, with name, kind and attributes', async () => {
    const pending = payments.charge(5);
    expect(tracing.spans()).toHaveLength(0);
    await expect(pending).resolves.toBe('charged 5');
    const span = tracing.span('payments.charge');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({ 'payment.provider': 'acme' });
  });

  it('should record a thrown error, set status ERROR and rethrow it unchanged', () => {
    expect(() => payments.explode()).toThrow(TypeError);
    const span = tracing.span('Payments.explode');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'sync boom' });
    expect(span.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.type': 'TypeError', 'exception.message': 'sync boom' } });
  });

  it('should record a rejection and rethrow it', async () => {
    await expect(payments.reject()).rejects.toThrow(RangeError);
    expect(tracing.span('Payments.reject').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('should span an Observable until it completes and run it inside the span', async () => {
    const result = payments.stream();
    expect(tracing.spans()).toHaveLength(0);
    const activeInside = await lastValueFrom(result);
    const span = tracing.span('Payments.stream');
    expect(activeInside?.spanContext().spanId).toBe(span.spanContext().spanId);
  });

  it('should end an Observable span with ERROR when the stream errors', async () => {
    await expect(firstValueFrom(payments.failingStream())).rejects.toThrow('stream boom');
    expect(tracing.span('Payments.failingStream').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('should end an Observable span when the subscriber unsubscribes early', () => {
    payments.stream().subscribe().unsubscribe();
    expect(tracing.span('Payments.stream').ended).toBe(true);
  });

  it('should nest spans of traced calls', async () => {
    await payments.outer();
    const outer = tracing.span('Payments.outer');
    const inner = tracing.span('payments.charge');
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
  });

  it("should start every span after the tracer's first through SdkSpanStarter, with the same kind, attributes and parent", async () => {
    const starts = jest.spyOn(SdkSpanStarter.prototype, 'start');
    try {
      await payments.outer();
      await payments.charge(2);
      const [first, second] = tracing.spans().filter((span) => span.name === 'payments.charge');
      // The first span (outer) taught the starter; both charges came from it.
      expect(starts.mock.results.map((result) => result.value !== undefined)).toEqual([false, true, true]);
      expect(second.constructor).toBe(first.constructor);
      for (const span of [first, second]) {
        expect(span.kind).toBe(SpanKind.CLIENT);
        expect(span.attributes).toEqual({ 'payment.provider': 'acme' });
      }
      expect(first.parentSpanContext?.spanId).toBe(tracing.span('Payments.outer').spanContext().spanId);
      expect(second.parentSpanContext).toBeUndefined();
    } finally {
      starts.mockRestore();
    }
  });

  it('should keep the method name', () => {
    expect(Payments.prototype.sync.name).toBe('sync');
    expect(Payments.prototype.charge.length).toBe(1);
  });

  it('should trace every method of a class with the class options, and let a method decorator win', async () => {
    const repository = new Repository();
    expect(repository.find('7')).toBe('found 7');
    await repository.save();
    repository.delete();
    expect(repository.accessor).toBe('not traced');
    expect(tracing.spans().map((span) => span.name).sort()).toEqual(['Repository.find', 'Repository.save', 'custom.delete']);
    expect(tracing.span('Repository.find').attributes).toEqual({ layer: 'repository' });
  });

  it('should use a tracer provider registered after the class was defined', async () => {
    await tracing.stop();
    payments.sync(1); // no provider: a no-op span, nothing recorded, no error
    tracing = InMemoryTracing.start();
    payments.sync(1);
    expect(tracing.spans().map((span) => span.name)).toEqual(['Payments.sync']);
  });

  it('should reject a non-method with a clear message', () => {
    const decorate = () => Traced()({}, 'field', { value: 42 });
    expect(decorate).toThrow('@Traced(): Object.field is not a method');
  });

});
