import { setTimeout } from 'node:timers/promises';

/** Simulated work: resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => setTimeout(ms);
