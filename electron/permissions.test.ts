import { describe, expect, it } from 'vitest';
import { REMOTE_URLS, hardenSession, type GuardedSession } from './permissions';

/** Session as the rules see it: the handlers they install, kept to be asked. */
function recordedSession() {
  const installed: Partial<{
    request: Parameters<GuardedSession['setPermissionRequestHandler']>[0];
    check: Parameters<GuardedSession['setPermissionCheckHandler']>[0];
    device: Parameters<GuardedSession['setDevicePermissionHandler']>[0];
    filter: { urls: string[] };
    beforeRequest: Parameters<GuardedSession['webRequest']['onBeforeRequest']>[1];
  }> = {};
  const session: GuardedSession = {
    setPermissionRequestHandler: (h) => (installed.request = h),
    setPermissionCheckHandler: (h) => (installed.check = h),
    setDevicePermissionHandler: (h) => (installed.device = h),
    webRequest: {
      onBeforeRequest: (filter, listener) => {
        installed.filter = filter;
        installed.beforeRequest = listener;
      },
    },
  };
  const cancelled = (url: string) => {
    let answer: boolean | undefined;
    installed.beforeRequest!({ url }, ({ cancel }) => (answer = cancel));
    return answer;
  };
  return { session, installed, cancelled };
}

describe('hardenSession', () => {
  it('denies every permission the page asks for or checks, and every device', () => {
    const r = recordedSession();
    hardenSession(r.session, { onlineBasemaps: false });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid']) {
      let granted: boolean | undefined;
      r.installed.request!({}, permission, (g) => (granted = g));
      expect(granted).toBe(false);
      expect(r.installed.check!({}, permission)).toBe(false);
    }
    expect(r.installed.device!({ deviceType: 'usb' })).toBe(false);
  });

  it('cancels every request to the network', () => {
    const r = recordedSession();
    hardenSession(r.session, { onlineBasemaps: false });
    expect(r.installed.filter).toEqual({ urls: REMOTE_URLS });
    for (const url of ['https://tiles.example.com/1/2/3.pbf', 'http://127.0.0.1:4222/', 'wss://example.com/']) expect(r.cancelled(url)).toBe(true);
  });

  it('lets https through for an online basemap only when map.onlineBasemaps is set', () => {
    const r = recordedSession();
    hardenSession(r.session, { onlineBasemaps: true });
    expect(r.cancelled('https://tiles.example.com/1/2/3.pbf')).toBe(false);
    expect(r.cancelled('http://tiles.example.com/1/2/3.pbf')).toBe(true);
    expect(r.cancelled('ws://example.com/')).toBe(true);
  });
});
