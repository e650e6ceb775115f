// The session's rules: the page is granted no permission (camera, geolocation, notifications, HID…) and
// reaches nothing remote. A plain function over the members of Electron's Session it uses, for the test.

type Callback<T> = (response: T) => void;

/** The members of Electron's Session the rules use. */
export interface GuardedSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: Callback<boolean>) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  webRequest: {
    onBeforeRequest(filter: { urls: string[] }, listener: (details: { url: string }, callback: Callback<{ cancel: boolean }>) => void): void;
  };
}

/** What the page may fetch: its own app:// origin only, never the network (the engine fetches what it needs). */
export const REMOTE_URLS = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'];

/**
 * Denies every permission request and check, and cancels every http(s) and ws(s) request. With
 * `map.onlineBasemaps` the CSP lets the map fetch https tiles, so https passes then; nothing else does.
 */
export function hardenSession(session: GuardedSession, { onlineBasemaps }: { onlineBasemaps: boolean }): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest({ urls: REMOTE_URLS }, (details, callback) => {
    callback({ cancel: !(onlineBasemaps && details.url.startsWith('https://')) });
  });
}
