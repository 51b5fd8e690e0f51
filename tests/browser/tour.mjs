// Every page of both front-ends at phone and desktop sizes: a screenshot
// and an accessibility check each, and no page errors or CSP violations.
// The other scenarios walk the workflows; this one makes sure no screen is
// left unseen at either size.

import { scenario, open, finish, checkA11y, shot, PHONE, DESKTOP, FIXTURE } from './lib.mjs';

const TIMEOUT = 15_000;
const SIZES = [['phone', PHONE], ['desktop', DESKTOP]];

/** Waits until the app has stopped fetching. */
async function settled(page) {
  await page.waitForLoadState('networkidle', { timeout: TIMEOUT });
}

async function staffTour(browser, [size, viewport], [user, password], only = null) {
  const page = await open(browser, viewport);
  await page.goto('/staff/');
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-dashboard').waitFor({ timeout: TIMEOUT });
  const screens = await page.$$eval('[data-testid^="nav-"]', (links) => links.map((a) => a.dataset.testid.slice(4)));
  if (!only && screens.length < 10) throw new Error(`the administrator should see every screen, saw ${screens.join(', ')}`);
  for (const screen of screens.filter((s) => !only || s === only)) {
    await page.goto(`/staff/#/${screen}`);
    await settled(page);
    await checkA11y(page, `staff ${screen} (${size})`);
    await shot(page, `tour-staff-${screen}-${size}`);
  }
  finish(page);
}

async function recipientsTour(browser, [size, viewport]) {
  const page = await open(browser, viewport);
  await page.goto('/');
  await page.getByTestId('demo-id').fill(FIXTURE.ids.sy_local);
  await page.getByTestId('demo-login').click();
  await page.getByTestId('benefit').first().waitFor({ timeout: TIMEOUT });
  const visit = async (name) => {
    await settled(page);
    await checkA11y(page, `recipients ${name} (${size})`);
    await shot(page, `tour-recipients-${name}-${size}`);
  };
  await visit('status');
  for (const [button, name] of [['go-certify', 'certify'], ['go-visit', 'home-visit'], ['go-death', 'death-report'], ['go-history', 'history'], ['report-open', 'report']]) {
    await page.getByTestId(button).first().click();
    await visit(name);
    await page.goto('/');
    await page.getByTestId('benefit').first().waitFor({ timeout: TIMEOUT });
  }
  finish(page);
}

/** The agency's officer confirms the account the bureau made for a newcomer. */
async function confirmNewcomer(browser) {
  const page = await open(browser, PHONE);
  await page.goto('/staff/');
  await page.getByTestId('login-user').fill(FIXTURE.reports_user);
  await page.getByTestId('login-password').fill(FIXTURE.reports_password);
  await page.getByTestId('login-submit').click();
  const card = page.getByTestId('staff-confirmations');
  const confirm = card.getByRole('button', { name: `确认账号 ${FIXTURE.awaiting_user}` });
  await confirm.waitFor({ timeout: TIMEOUT });
  await checkA11y(page, 'staff confirmations (phone)');
  await shot(page, 'staff-confirmations-phone');
  await confirm.click();
  await card.getByText(`（${FIXTURE.awaiting_user}）的账号，对方现在可以登录`).waitFor({ timeout: TIMEOUT });
  finish(page);
}

await scenario('every page at phone and desktop sizes', async (browser) => {
  for (const size of SIZES) {
    await staffTour(browser, size, [FIXTURE.admin_user, FIXTURE.admin_password]);
    // Reports are seen only by the city agency's handlers (R9.1).
    await staffTour(browser, size, [FIXTURE.reports_user, FIXTURE.reports_password], 'reports');
    await recipientsTour(browser, size);
  }
  await confirmNewcomer(browser);
});
