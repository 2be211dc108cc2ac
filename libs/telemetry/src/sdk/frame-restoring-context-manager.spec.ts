import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { ROOT_CONTEXT, createContextKey, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONTEXT_SCOPE_TYPE, FrameRestoringContextManager, asyncContextFrameActive, createContextManager } from './frame-restoring-context-manager';

const KEY = createContextKey('frame-restoring-context-manager.spec');
const contextOf = (value: string): Context => ROOT_CONTEXT.setValue(KEY, value);
const valueIn = (manager: FrameRestoringContextManager): unknown => manager.active().getValue(KEY);

describe('FrameRestoringContextManager', () => {
  let manager: FrameRestoringContextManager;
  beforeEach(() => {
    manager = new FrameRestoringContextManager().enable();
  });
  afterEach(() => manager.disable());

  it('should make the context active inside, and the caller’s again after it returns or throws, nested too', () => {
    expect(manager.active()).toBe(ROOT_CONTEXT);
    const seen: unknown[] = [];
    const result = manager.with(contextOf('outer'), () => {
      seen.push(valueIn(manager));
      manager.with(contextOf('inner'), () => seen.push(valueIn(manager)));
      seen.push(valueIn(manager));
      expect(() =>
        manager.with(contextOf('failing'), () => {
          seen.push(valueIn(manager));
          throw new Error('boom');
        }),
      ).toThrow('boom');
      seen.push(valueIn(manager));
      return 'returned';
    });
    expect(result).toBe('returned');
    expect(seen).toEqual(['outer', 'inner', 'outer', 'failing', 'outer']);
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('should call the function with its this and arguments, as the base class does', () => {
    const receiver = { name: 'receiver' };
    function read(this: { name: string } | undefined, a: number, b: number) {
      return [this?.name, a + b];
    }
    expect(manager.with(contextOf('x'), read, receiver, 1, 2)).toEqual(['receiver', 3]);
    expect(manager.with(contextOf('x'), read, undefined, 3, 4)).toEqual([undefined, 7]);
  });

  it('should carry the context into the continuations started inside, and not into those started after', async () => {
    const later = manager.with(contextOf('request'), async () => {
      await sleep(1);
      const inPromise = valueIn(manager);
      const inTimer = await new Promise((resolve) => setTimeout(() => resolve(valueIn(manager)), 1));
      return [inPromise, inTimer];
    });
    const outside = new Promise((resolve) => setTimeout(() => resolve(valueIn(manager)), 1));
    expect(await later).toEqual(['request', 'request']);
    expect(await outside).toBeUndefined();
  });

  it("should keep the values of the caller's other async local storages, inside and after", () => {
    const other = new AsyncLocalStorage<string>();
    other.run('theirs', () => {
      manager.with(contextOf('ours'), () => {
        expect(other.getStore()).toBe('theirs');
        expect(valueIn(manager)).toBe('ours');
      });
      expect(other.getStore()).toBe('theirs');
    });
    other.disable();
  });

  it('should bind functions and event emitters to a context through the same with', () => {
    const bound = manager.bind(contextOf('bound'), () => valueIn(manager));
    expect(bound()).toBe('bound');
    const emitter = manager.bind(contextOf('emitter'), new EventEmitter());
    let heard: unknown;
    emitter.on('event', () => (heard = valueIn(manager)));
    emitter.emit('event');
    expect(heard).toBe('emitter');
  });

  it('should enter through one async resource per call, destroyed when it returns, and none for a context already active', async () => {
    const created: number[] = [];
    const destroyed: number[] = [];
    const hook = createHook({
      init: (asyncId, type) => {
        if (type === CONTEXT_SCOPE_TYPE) created.push(asyncId);
      },
      destroy: (asyncId) => {
        if (created.includes(asyncId)) destroyed.push(asyncId);
      },
    }).enable();
    try {
      const context = contextOf('once');
      manager.with(context, () => manager.with(context, () => undefined));
      // Node runs destroy hooks from a queue, after the current operation.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      hook.disable();
    }
    expect(created).toHaveLength(1);
    expect(destroyed).toEqual(created);
  });
});

describe('the context manager the SDK registers (createContextManager)', () => {
  it('should see that this Node keeps async local storage in AsyncContextFrame (Node 24, by default)', () => {
    expect(asyncContextFrameActive()).toBe(!process.execArgv.includes('--no-async-context-frame') && Number(process.versions.node.split('.')[0]) >= 24);
  });

  it('should see that a Node with AsyncContextFrame turned off keeps async local storage in async hooks', () => {
    // This file's module, transpiled, in a Node started with --no-async-context-frame.
    const source = readFileSync(path.join(__dirname, 'frame-restoring-context-manager.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    const probe = (flags: string[]) =>
      execFileSync(process.execPath, [...flags, '-e', `${outputText}\nprocess.stdout.write(String(exports.asyncContextFrameActive()))`], { cwd: path.join(__dirname, '../../../..'), encoding: 'utf8' });
    expect(probe(['--no-async-context-frame'])).toBe('false');
    expect(probe([])).toBe(String(asyncContextFrameActive()));
  });

  it("should enter with one frame copy where AsyncContextFrame holds the values, and keep OpenTelemetry's own elsewhere", () => {
    expect(createContextManager(true)).toBeInstanceOf(FrameRestoringContextManager);
    const elsewhere = createContextManager(false);
    expect(elsewhere).toBeInstanceOf(AsyncLocalStorageContextManager);
    expect(elsewhere).not.toBeInstanceOf(FrameRestoringContextManager);
  });
});
