// Where the window may go: nowhere but the app's own pages. Plain functions over the few members of
// WebContents they use, so a test can hand them a recording stand-in.
import { APP_ORIGIN } from './trusted-sender';

export interface Preventable {
  preventDefault(): void;
}

/** The members of Electron's WebContents the guards use. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: Preventable, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** A page of the app itself. */
export const isAppPage = (url: string): boolean => url.startsWith(`${APP_ORIGIN}/`);

/** A link the system browser may open: https only (never file:, javascript:, custom schemes). */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Keeps the window on the app: navigation and redirects elsewhere are refused, a new window is never
 * opened (an https link goes to the system browser through `openExternal`), and no <webview> attaches.
 */
export function guardNavigation(contents: GuardedContents, openExternal: (url: string) => void): void {
  const stayOnApp = (event: Preventable, url: string) => {
    if (!isAppPage(url)) event.preventDefault();
  };
  contents.on('will-navigate', stayOnApp);
  contents.on('will-redirect', stayOnApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url);
    return { action: 'deny' };
  });
}
