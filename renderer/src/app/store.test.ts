import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createStore } from './store';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

it('tells its listeners of each change at once', () => {
  const store = createStore(0);
  const heard: number[] = [];
  store.subscribe(() => heard.push(store.get()));
  store.set(1);
  store.set(2);
  expect(heard).toEqual([1, 2]);
});

it('throttled, holds each change at once but tells its listeners once per period, of the latest', () => {
  const store = createStore(0, { throttleMs: 250 });
  const heard: number[] = [];
  store.subscribe(() => heard.push(store.get()));
  for (let i = 1; i <= 100; i++) store.set(i);
  expect(store.get()).toBe(100);
  expect(heard).toEqual([]);
  vi.advanceTimersByTime(250);
  expect(heard).toEqual([100]);
  store.set(101);
  vi.advanceTimersByTime(249);
  expect(heard).toEqual([100]);
  vi.advanceTimersByTime(1);
  expect(heard).toEqual([100, 101]);
  vi.advanceTimersByTime(1000);
  expect(heard).toEqual([100, 101]);
});
