import { capFields, countFields, DROPPED_FIELDS_KEY } from './field-cap';

describe('field cap', () => {
  it('should count flattened leaves as CloudWatch does', () => {
    expect(countFields({ a: 1, b: { c: 2, d: [3, 4] }, e: {} })).toBe(5);
  });

  it('should return a line under the cap unchanged', () => {
    const line = { a: 1, b: { c: 2 } };
    expect(capFields(line, 10)).toBe(line);
  });

  it('should keep essential groups first, cut the rest, and say how many fields were dropped', () => {
    const noise = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    const line = { noise, request: { method: 'GET', path: '/x' }, tracking_id: 'abc', error: { type: 'E' } };
    const capped = capFields(line, 100);
    expect(countFields(capped)).toBeLessThanOrEqual(100);
    expect(capped).toMatchObject({ tracking_id: 'abc', request: { method: 'GET', path: '/x' }, error: { type: 'E' } });
    expect(Object.keys(capped.noise as object)).toHaveLength(95);
    expect(capped[DROPPED_FIELDS_KEY]).toBe(5004 - 99);
  });
});
