import { createContextKey, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { RequestContext } from './request-context';

const A = createContextKey('request-context.spec A');
const B = createContextKey('request-context.spec B');
const C = createContextKey('request-context.spec C');

/** The values of three keys, as a context reads them. */
const read = (context: Context) => [context.getValue(A), context.getValue(B), context.getValue(C)];

describe('RequestContext', () => {
  it("should read, set, overwrite and delete values as OpenTelemetry's own context does", () => {
    const parent = ROOT_CONTEXT.setValue(A, 'from the parent').setValue(B, 'parent b');
    // The same operations on the API's context and on a chain over the same parent.
    const steps: Array<(context: Context) => Context> = [
      (context) => context,
      (context) => context.setValue(C, 'c'),
      (context) => context.setValue(A, 'overwritten'),
      (context) => context.deleteValue(B),
      (context) => context.setValue(B, 'set again'),
      (context) => context.deleteValue(A),
    ];
    let expected: Context = parent;
    let actual: Context = RequestContext.over(parent);
    for (const step of steps) {
      expected = step(expected);
      actual = step(actual);
      expect(read(actual)).toEqual(read(expected));
    }
    expect(read(actual)).toEqual([undefined, 'set again', 'c']);
  });

  it('should leave the contexts it was made from as they were', () => {
    const parent = ROOT_CONTEXT.setValue(A, 'a');
    const over = RequestContext.over(parent);
    const child = over.setValue(A, 'changed').setValue(B, 'b');
    over.deleteValue(A);
    expect(read(parent)).toEqual(['a', undefined, undefined]);
    expect(read(over)).toEqual(['a', undefined, undefined]);
    expect(read(child)).toEqual(['changed', 'b', undefined]);
  });
});
