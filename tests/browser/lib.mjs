// Shared helpers of the browser tests: Debian's Chromium driven by
// playwright-core, an accessibility check with axe-core on every page, a
// watch for Content-Security-Policy violations and page errors, and
// screenshots at phone and desktop sizes.
//
// A scenario is run by tests/browser.rs as `node <scenario>.mjs` with the
// environment: BASE_URL (the app), SHOTS_DIR (where screenshots go) and
// FIXTURE (JSON: the seeded city's admin credentials and ID numbers).

import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
export const SHOTS_DIR = process.env.SHOTS_DIR ?? 'screenshots';
export const FIXTURE = JSON.parse(process.env.FIXTURE ?? '{}');

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1366, height: 900 } };

/** Starts headless Chromium with the flags this closed network needs. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * A new page of a fresh context (its own storage) at a size; page errors,
 * failed requests to the app and CSP violations are collected, and
 * `finish(page)` fails the scenario if there were any.
 */
export async function open(browser, size = PHONE, locale = 'zh-CN') {
  const context = await browser.newContext({ ...size, locale, baseURL: BASE_URL });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) page.problems.push(`CSP: ${m.text()}`);
  });
  return page;
}

/** Fails on any page error or CSP violation seen so far. */
export function finish(page) {
  assert.deepEqual(page.problems, [], 'no page errors or CSP violations');
}

/**
 * Runs axe-core on the page as it is now; fails on any serious or critical
 * violation, naming the rule and the elements.
 */
export async function checkA11y(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const described = serious.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(described, [], `accessibility of ${label}`);
}

/** Saves a full-page screenshot as SHOTS_DIR/<name>.png. */
export async function shot(page, name) {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: `${SHOTS_DIR}/${name}.png`, fullPage: true });
}

/** Runs named steps in order, printing each; exits non-zero on the first failure. */
export async function scenario(name, body) {
  const browser = await launch();
  try {
    await body(browser);
    console.log(`ok: ${name}`);
  } catch (e) {
    console.error(`FAILED: ${name}\n${e.stack ?? e}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
