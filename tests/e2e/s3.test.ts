// Object storage as an analyst meets it, against a real S3-compatible store (SeaweedFS) on loopback: the
// engine copies its archive there (the status bar says so); the Connections dialog's S3 section passes on
// the store's refusal of a wrong secret key and lists the bucket with the right one; a notebook opens the
// bucket's positions folder as a view and queries it. Screenshots in both themes, at 1440×900 and 1280×720.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  engineRpc,
  launchChromium,
  openPage,
  resultsDir,
  S3_TEST_KEY,
  startS3Store,
  startWebMode,
  waitFor,
  weedPath,
  type EngineRpc,
  type S3Store,
  type WebMode,
} from '../helpers';

let store: S3Store;
let web: WebMode;
let rpc: EngineRpc;
let browser: Browser;
let page: Page;

async function shot(p: Page, name: string): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  await p.screenshot({ path: join(resultsDir, `s3-${name}.png`) });
}

describe.skipIf(!weedPath())('S3 in the workstation (SeaweedFS from .cache/bin or HEXWATCH_WEED)', () => {
  beforeAll(async () => {
    store = await startS3Store();
    web = await startWebMode({
      demo: true,
      args: [
        '--simulator.devices',
        '40',
        '--simulator.ratePerSec',
        '40',
        '--simulator.backfillH',
        '1',
        '--archive.s3Url',
        's3://fleet/hexwatch/',
        '--archive.s3IntervalS',
        '1',
        '--notebooks.s3Endpoint',
        store.endpoint,
        '--notebooks.s3AccessKeyId',
        S3_TEST_KEY.accessKeyId,
      ],
      env: { HEXWATCH_S3_SECRET_ACCESS_KEY: S3_TEST_KEY.secretAccessKey },
    });
    rpc = await engineRpc(web);
    let last = '';
    await waitFor(
      async () => {
        const s = await rpc.call('status.get');
        last = JSON.stringify(s.archiveCopy);
        return s.demo?.state === 'ready' && !!s.archiveCopy && s.archiveCopy.copied > 0 && s.archiveCopy.pending === 0 && !s.archiveCopy.error;
      },
      { timeoutMs: 90_000, what: 'the demo archive copied to the bucket', detail: () => last },
    );
    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    await page.goto(web.url, { waitUntil: 'load' });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await rpc?.close();
    await web?.stop();
    await store?.stop();
  });

  it('the status bar says the archive is copied, and the S3 section shows the store’s refusal of a wrong key, then lists the bucket', async () => {
    const pill = page.getByTestId('archive-copy-status');
    await expect.poll(() => pill.textContent(), { timeout: 20_000 }).toMatch(/^S3 · \d+ parts copied$/);
    await pill.click();
    const dialog = page.getByRole('dialog', { name: 'Connections' });
    await dialog.waitFor();
    const section = dialog.getByRole('region', { name: 'Object storage (S3)' });
    expect(await section.getByRole('textbox', { name: 'S3 endpoint' }).inputValue()).toBe(store.endpoint);
    expect(await section.getByRole('textbox', { name: 'Copy the archive to' }).inputValue()).toBe('s3://fleet/hexwatch/');
    await section.getByLabel('Secret access key').fill('not-the-secret');
    await section.getByRole('button', { name: 'Test S3 connection' }).click();
    const refusal = section.getByRole('alert', { name: 'S3 test' });
    await expect.poll(() => refusal.textContent(), { timeout: 15_000 }).toMatch(/SignatureDoesNotMatch: .*\(HTTP 403\)/);
    await refusal.scrollIntoViewIfNeeded();
    await shot(page, 'refusal-dark-1440');

    await section.getByLabel('Secret access key').fill(S3_TEST_KEY.secretAccessKey);
    await section.getByRole('button', { name: 'Test S3 connection' }).click();
    const facts = section.getByRole('status', { name: 'S3 test' });
    await expect.poll(() => facts.textContent(), { timeout: 15_000 }).toMatch(/Listed s3:\/\/fleet\/hexwatch\/: \d+\+? objects/);
    expect(await facts.textContent()).toMatch(/Keysthe app’s own/);
    await shot(page, 'listed-dark-1440');
    await page.setViewportSize({ width: 1280, height: 720 });
    await facts.scrollIntoViewIfNeeded();
    await shot(page, 'listed-dark-1280');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Discard changes' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('Open file takes the bucket’s positions folder: a view with its hive columns, queried', async () => {
    await page.getByRole('button', { name: 'Notebooks' }).click();
    await page.getByRole('button', { name: 'New notebook' }).click();
    await page.getByRole('button', { name: 'Open file' }).click();
    const form = page.getByRole('form', { name: 'Open file' });
    await form.getByRole('textbox').fill('s3://elsewhere/data.parquet');
    await form.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/outside the buckets notebooks may read/);
    await form.getByRole('textbox').fill('s3://fleet/hexwatch/positions/');
    await form.getByRole('button', { name: 'Open' }).click();
    const sources = page.getByRole('region', { name: 'Sources' });
    // The engine's answer, whichever it is: the view in Sources, or the form's reason for refusing the folder.
    const outcome = async () =>
      (await sources.getByText('positions_2', { exact: true }).isVisible())
        ? 'opened'
        : ((await form.getByRole('alert').allTextContents()).find((t) => !/outside the buckets/.test(t)) ?? 'waiting');
    await expect.poll(outcome, { timeout: 60_000 }).not.toBe('waiting');
    expect(await outcome()).toBe('opened');
    await sources.getByText('positions_2', { exact: true }).click();
    const columns = await sources.getByRole('list', { name: 'Columns of positions_2' }).getByRole('listitem').allTextContents();
    expect(columns).toEqual(expect.arrayContaining([expect.stringMatching(/^engine /), expect.stringMatching(/^date /), expect.stringMatching(/^lat DOUBLE/)]));
    await sources.getByRole('button', { name: 'Query positions_2' }).click();
    const grid = page.getByRole('grid', { name: 'Result' }).last();
    await grid.waitFor({ timeout: 60_000 });
    expect(Number(await grid.getAttribute('aria-rowcount'))).toBe(101);
    await shot(page, 'open-file-dark-1440');
  });

  it('looks right in the light theme at 1280×720', async () => {
    const light = await openPage(browser, { viewport: { width: 1280, height: 720 }, colorScheme: 'light' });
    await light.goto(web.url, { waitUntil: 'load' });
    await light.getByTestId('archive-copy-status').click();
    const section = light.getByRole('dialog', { name: 'Connections' }).getByRole('region', { name: 'Object storage (S3)' });
    await section.getByRole('button', { name: 'Test S3 connection' }).click();
    const facts = section.getByRole('status', { name: 'S3 test' });
    await expect.poll(() => facts.textContent(), { timeout: 15_000 }).toMatch(/Listed s3:\/\/fleet\/hexwatch\//);
    await facts.scrollIntoViewIfNeeded();
    await shot(light, 'listed-light-1280');
    await light.close();
  });
});
