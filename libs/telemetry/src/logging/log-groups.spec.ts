import { groupFields } from './log-groups';

describe('groupFields', () => {
  it('should move flat keys into their groups and keep given groups', () => {
    expect(groupFields({ user_id: 'u1', session_id: 's1', workflow: { id: 'w1' }, workflowStatus: 'done', other: 1 })).toEqual({
      user: { id: 'u1' },
      session: { id: 's1' },
      workflow: { id: 'w1', status: 'done' },
      other: 1,
    });
  });

  it('should turn an attached error into the error and exception groups', () => {
    const error = Object.assign(new TypeError('bad input'), { code: 'E_BAD' });
    const line = groupFields({ err: error });
    expect(line.err).toBeUndefined();
    expect(line.error).toEqual({ type: 'TypeError', message: 'bad input', code: 'E_BAD' });
    expect(line.exception).toMatchObject({ class: 'TypeError', file: expect.stringContaining('log-groups.spec.ts'), line: expect.any(Number) });
  });

  it("should read Nest's own error(message, stack) as an exception", () => {
    const stack = 'Error: boom\n    at handler (/app/src/x.ts:10:5)';
    expect(groupFields({ stack }).exception).toEqual({ class: 'Error', stack_trace: stack, file: '/app/src/x.ts', line: 10 });
  });

  it('should return the same object when there is nothing to move', () => {
    const line = { a: 1 };
    expect(groupFields(line)).toBe(line);
  });
});
