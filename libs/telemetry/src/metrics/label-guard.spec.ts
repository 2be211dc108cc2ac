import { LabelGuard, OVERFLOW_LABEL_VALUE } from './label-guard';

describe('LabelGuard', () => {
  it('should keep declared values and record others as "other", counting each drop', () => {
    const overflows: string[] = [];
    const guard = new LabelGuard(['status', 'model'], { status: ['ok', 'error'] }, 10, (label) => overflows.push(label));
    expect(guard.apply({ status: 'ok', model: 'm1' })).toEqual({ status: 'ok', model: 'm1' });
    expect(guard.apply({ status: 'exploded', model: 'm1' })).toEqual({ status: OVERFLOW_LABEL_VALUE, model: 'm1' });
    expect(overflows).toEqual(['status']);
  });

  it('should cap the distinct values of a free label and keep the ones already seen', () => {
    const overflows: string[] = [];
    const guard = new LabelGuard(['user'], {}, 3, (label) => overflows.push(label));
    const recorded = ['a', 'b', 'c', 'd', 'e', 'a'].map((user) => guard.apply({ user }).user);
    expect(recorded).toEqual(['a', 'b', 'c', 'other', 'other', 'a']);
    expect(overflows).toEqual(['user', 'user']);
  });

  it('should turn numbers into strings, a missing label into "", and cut very long values', () => {
    const guard = new LabelGuard(['code', 'empty', 'long'], {}, 10, () => undefined);
    const labels = guard.apply({ code: 404, long: 'x'.repeat(1000) });
    expect(labels.code).toBe('404');
    expect(labels.empty).toBe('');
    expect(labels.long).toHaveLength(128);
  });
});
