import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { repoRoot } from './paths';

/** Root of the extension fixtures: the `root` of the managers under test. */
export const extensionsRoot = path.join(repoRoot, 'test', 'fixtures', 'extensions');

export const isolations = ['worker', 'process'] as const;

/**
 * Polls `check` until it holds, for effects that land asynchronously on the other side (a
 * collection, a cancellation). Fails with `what` after `attempts` tries; asserts no timing.
 */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, attempts = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await delay(20);
  }
  throw new Error(`Gave up waiting until ${what}`);
}

/** The methods of test/fixtures/extensions/toolbox, for typed handles. */
export interface Toolbox {
  add(a: number, b: number): number;
  echo(...values: unknown[]): unknown;
  sum(array: Float64Array): number;
  fill(array: Float64Array, value: number): void;
  makeBuffer(length: number): Float64Array;
  delayed<T>(ms: number, value: T): Promise<T>;
  fail(message: string): never;
  invoke(fn: (...args: never[]) => unknown, ...args: unknown[]): Promise<unknown>;
  keep(fn: () => unknown): number;
  forget(): void;
  collect(): void;
  callKept(...args: unknown[]): Promise<unknown[]>;
  makeCounter(): () => Promise<number>;
  waitForCancel(): Promise<void>;
  cancelledCount(): number;
  spin(): never;
  exit(code: number): void;
  exitNow(code: number): never;
  crashLater(message: string): void;
  writeStderr(text: string): void;
  allocate(): never;
  env(name: string): string | undefined;
  pid(): number;
  log(message: string): Promise<number>;
  pingHost(depth: number): Promise<number>;
  contextsSeen(): (string | null)[];
  syncReentry(): Promise<unknown>;
  busy(ms: number): string;
  nope(): never;
  unserializableResult(): unknown;
  askForSingleton(): Promise<unknown>;
  _private(): string;
}
