import { describe, expect, it } from 'vitest';
import { signingPlan } from './signing.mjs';

describe('signingPlan', () => {
  it('packages an unsigned, unnotarised macOS app and says so when no certificate is set', () => {
    const plan = signingPlan('darwin', {});
    expect(plan.env).toEqual({ CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
    expect(plan.args).toEqual(['-c.mac.notarize=false']);
    expect(plan.notes.join('\n')).toMatch(/not signed: set CSC_LINK/);
  });

  it('signs and notarises with a certificate and a full set of Apple credentials', () => {
    const plan = signingPlan('darwin', { CSC_LINK: 'cert.p12', CSC_KEY_PASSWORD: 'x', APPLE_ID: 'a@b', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 'T' });
    expect(plan.env).toEqual({});
    expect(plan.args).toEqual([]);
    expect(plan.notes).toContain('notarising with APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID');
  });

  it('signs but skips notarisation when the Apple credentials are incomplete, naming what is missing', () => {
    const plan = signingPlan('darwin', { CSC_NAME: 'Developer ID Application: X', APPLE_ID: 'a@b' });
    expect(plan.args).toEqual(['-c.mac.notarize=false']);
    expect(plan.notes.join('\n')).toMatch(/APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID missing/);
  });

  it('signs Windows builds with WIN_CSC_LINK, and says when they are not', () => {
    expect(signingPlan('win32', { WIN_CSC_LINK: 'c.pfx' }).notes.join()).toMatch(/WIN_CSC_LINK/);
    expect(signingPlan('win32', {}).notes.join()).toMatch(/not signed/);
  });

  it('leaves Linux packages unsigned', () => {
    expect(signingPlan('linux', { CSC_LINK: 'x' })).toEqual({ env: {}, args: [], notes: [expect.stringMatching(/not signed/)] });
  });
});
