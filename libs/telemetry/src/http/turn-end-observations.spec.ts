import { endAtTurnEnd, endQueuedObservations } from './turn-end-observations';

const turnEnd = () => new Promise((resolve) => setImmediate(resolve));

describe('endAtTurnEnd', () => {
  it("should end a turn's observations together at the turn's end, in the order their responses closed", async () => {
    const ended: string[] = [];
    for (const name of ['a', 'b', 'c']) endAtTurnEnd({ end: () => ended.push(name) });
    expect(ended).toEqual([]);
    await turnEnd();
    expect(ended).toEqual(['a', 'b', 'c']);
  });

  it('should end what waits at once when asked (shutdown, tests), and not again at the turn end', async () => {
    const ended: string[] = [];
    endAtTurnEnd({ end: () => ended.push('a') });
    endQueuedObservations();
    expect(ended).toEqual(['a']);
    endAtTurnEnd({ end: () => ended.push('b') });
    await turnEnd();
    expect(ended).toEqual(['a', 'b']);
  });

  it('should end, in the same drain, an observation queued by another one ending', async () => {
    const ended: string[] = [];
    endAtTurnEnd({ end: () => (ended.push('a'), endAtTurnEnd({ end: () => ended.push('b') })) });
    endQueuedObservations();
    expect(ended).toEqual(['a', 'b']);
  });

  it("should end what waits when the process exits, before pino's own exit flush", () => {
    endAtTurnEnd({ end: () => undefined });
    endQueuedObservations();
    const exitListeners = process.listeners('exit');
    expect(exitListeners[0]).toBe(endQueuedObservations);
    expect(exitListeners.filter((listener) => listener === endQueuedObservations)).toHaveLength(1);
  });
});
