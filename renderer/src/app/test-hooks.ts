import type { TestHooks } from '../../../shared/test-hooks';

declare global {
  interface Window {
    /** Set by the test harness before the page loads (tests/helpers/chromium.ts): only then are the hooks exposed. */
    __hexwatchTestHooks?: boolean;
    __hexwatch?: Partial<TestHooks>;
  }
}

/** Whether the harness asked for test hooks; a user's window never has them. */
export const testHooksOn = (): boolean => globalThis.window?.__hexwatchTestHooks === true;

/** Exposes hooks on `window.__hexwatch` when the tests asked for them; otherwise does nothing. */
export function exposeForTests(hooks: Partial<TestHooks>): void {
  if (!testHooksOn()) return;
  window.__hexwatch = { ...window.__hexwatch, ...hooks };
}
