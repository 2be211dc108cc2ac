import { endAtTurnEnd, endQueuedObservations } from './turn-end-observations';

const turnEnd = () => new Promise((resolve) => setImmediate(resolve));

/** An observation with `parts` observers, logging each step as `name.span`, `name.0`, … */
function observation(name: string, steps: string[], parts = 1, onSpan?: () => void) {
  return {
    endSpan: () => {
      steps.push(`${name}.span`);
      onSpan?.();
    },
    tell: (part: number) => {
      if (part >= parts) return false;
      steps.push(`${name}.${part}`);
      return true;
    },
  };
}

describe('endAtTurnEnd', () => {
  it("should end a turn's observations together at the turn's end, in the order their responses closed", async () => {
    const steps: string[] = [];
    for (const name of ['a', 'b', 'c']) endAtTurnEnd(observation(name, steps));
    expect(steps).toEqual([]);
    await turnEnd();
    expect(steps).toEqual(['a.span', 'b.span', 'c.span', 'a.0', 'b.0', 'c.0']);
  });

  it('should end them one part at a time: every span, then each observer over every request', () => {
    const steps: string[] = [];
    endAtTurnEnd(observation('a', steps, 2));
    endAtTurnEnd(observation('b', steps, 0));
    endAtTurnEnd(observation('c', steps, 3));
    endQueuedObservations();
    expect(steps).toEqual(['a.span', 'b.span', 'c.span', 'a.0', 'c.0', 'a.1', 'c.1', 'c.2']);
  });

  it('should end what waits at once when asked (shutdown, tests), and not again at the turn end', async () => {
    const steps: string[] = [];
    endAtTurnEnd(observation('a', steps));
    endQueuedObservations();
    expect(steps).toEqual(['a.span', 'a.0']);
    endAtTurnEnd(observation('b', steps));
    await turnEnd();
    expect(steps).toEqual(['a.span', 'a.0', 'b.span', 'b.0']);
  });

  it('should end, in the same drain, an observation queued by another one ending', () => {
    const steps: string[] = [];
    endAtTurnEnd(observation('a', steps, 1, () => endAtTurnEnd(observation('b', steps))));
    endQueuedObservations();
    expect(steps).toEqual(['a.span', 'a.0', 'b.span', 'b.0']);
  });

  it("should end what waits when the process exits, before pino's own exit flush", () => {
    endAtTurnEnd(observation('a', []));
    endQueuedObservations();
    const exitListeners = process.listeners('exit');
    expect(exitListeners[0]).toBe(endQueuedObservations);
    expect(exitListeners.filter((listener) => listener === endQueuedObservations)).toHaveLength(1);
  });
});
