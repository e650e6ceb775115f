import { describe, expect, it } from 'vitest';
import { isTrustedSender } from './trusted-sender';

describe('isTrustedSender', () => {
  it('trusts only the app top frame', () => {
    expect(isTrustedSender('app://hexwatch/index.html', true)).toBe(true);
    expect(isTrustedSender('app://hexwatch/index.html#/dlq', true)).toBe(true);
  });
  it('refuses subframes, other schemes and look-alike hosts', () => {
    expect(isTrustedSender('app://hexwatch/index.html', false)).toBe(false);
    expect(isTrustedSender('https://hexwatch/index.html', true)).toBe(false);
    expect(isTrustedSender('app://hexwatch.evil/index.html', true)).toBe(false);
    expect(isTrustedSender('file:///work/out/renderer/index.html', true)).toBe(false);
    expect(isTrustedSender('not a url', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });
});
