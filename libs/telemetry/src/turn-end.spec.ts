import { atTurnEnd } from './turn-end';

const nextImmediate = () => new Promise((resolve) => setImmediate(resolve));

describe('atTurnEnd', () => {
  it('should run the tasks at the end of the turn, in the order they were asked for', async () => {
    const ran: string[] = [];
    atTurnEnd(() => ran.push('a'));
    atTurnEnd(() => ran.push('b'));
    expect(ran).toEqual([]);
    await nextImmediate();
    expect(ran).toEqual(['a', 'b']);
  });

  it('should run a task asked for by another in the same run, not a turn later', async () => {
    const ran: string[] = [];
    atTurnEnd(() => {
      ran.push('ends requests');
      atTurnEnd(() => ran.push('encodes their spans'));
    });
    // Queued after the run, in the same check phase: a task left for its own setImmediate would come after this.
    const afterRun = new Promise<void>((resolve) => setImmediate(() => (ran.push('after the run'), resolve())));
    await afterRun;
    expect(ran).toEqual(['ends requests', 'encodes their spans', 'after the run']);
  });

  it('should run the other tasks when one throws, and throw its error again, uncaught', async () => {
    const rethrown: (() => void)[] = [];
    const microtask = jest.spyOn(global, 'queueMicrotask').mockImplementation((callback) => void rethrown.push(callback));
    try {
      const ran: string[] = [];
      atTurnEnd(() => {
        throw new Error('a task failed');
      });
      atTurnEnd(() => ran.push('b'));
      await nextImmediate();
      expect(ran).toEqual(['b']);
      expect(rethrown).toHaveLength(1);
      expect(rethrown[0]).toThrow('a task failed');
    } finally {
      microtask.mockRestore();
    }
  });
});
