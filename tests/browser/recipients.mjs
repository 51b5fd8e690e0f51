// The recipients' page end to end on a seeded, swept city with the dev-only
// demo mode on: log in as 李四 (never certified, so due or overdue) with the
// demo login; see where the benefit stands; certify with the demo face check
// and see it certified; switch to Uyghur (right to left); open the home-visit
// and death-report screens; the status on a desktop; an API error shown as a
// sentence. Every screen is checked with axe-core, watched for page errors
// and CSP violations, and photographed.

import assert from 'node:assert/strict';
import { scenario, open, PHONE, DESKTOP, checkA11y, shot, finish, FIXTURE } from './lib.mjs';

const TIMEOUT = 15_000;
const ARABIC = /[\u0600-\u06FF]/;

async function statuses(page) {
  return page.getByTestId('benefit').evaluateAll((cards) => cards.map((c) => c.dataset.status));
}

/** The text a person sees in the message area: a sentence, never JSON. */
async function sentence(page) {
  const message = page.getByTestId('message').locator('.message-text');
  await message.first().waitFor();
  const text = (await message.first().innerText()).trim();
  assert.ok(text.length > 4, `a sentence is shown: "${text}"`);
  assert.doesNotMatch(text, /[{}[\]"]|problem|detail|https?:/i, `no raw JSON or technical words: "${text}"`);
  return text;
}

await scenario('recipients page', async (browser) => {
  const id = FIXTURE.ids?.sy_local;
  assert.ok(id, 'FIXTURE has the seeded ids');
  const page = await open(browser, PHONE);
  page.setDefaultTimeout(TIMEOUT);

  // Without a session: the login screen explains where to open the page, and
  // shows the clearly marked demo login because demo mode is on.
  await page.goto('/');
  await page.getByTestId('demo-id').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN', 'Chinese first');
  assert.match(await page.locator('.demo-tag').first().innerText(), /演示.*Demo/);
  await shot(page, 'recipients-login-phone');
  await checkA11y(page, 'login (phone)');

  // A wrong ID number at the demo login is explained in a sentence.
  await page.getByTestId('demo-id').fill('123');
  await page.getByTestId('demo-login').click();
  const loginError = await sentence(page);
  assert.match(loginError, /身份证号码/, loginError);
  assert.equal(await page.getByTestId('demo-id').getAttribute('aria-invalid'), 'true', 'the field at fault is marked');

  // Log in as 李四, never certified: due or overdue, with the reasons and a way to certify.
  await page.getByTestId('demo-id').fill(id);
  await page.getByTestId('demo-login').click();
  await page.getByTestId('benefit').first().waitFor();
  const before = await statuses(page);
  assert.ok(before.length >= 1 && before.every((s) => s === 'due' || s === 'overdue'), `due or overdue before certifying: ${before}`);
  const label = await page.getByTestId('benefit-status').first().innerText();
  assert.match(label, /需要认证|已逾期/, label);
  assert.ok(await page.locator('.reasons li').count() >= 1, 'the reasons are shown');
  assert.equal(await page.evaluate(() => location.hash), '', 'no fragment left in the URL');
  assert.ok(await page.evaluate(() => Boolean(sessionStorage.getItem('zige.token'))), 'the session token is kept in sessionStorage');
  await shot(page, 'recipients-status-phone');
  await checkA11y(page, 'status (phone)');

  // Certify with the demo face check, then back home: certified.
  await page.getByTestId('go-certify').click();
  await page.getByTestId('certify-start').waitFor();
  await checkA11y(page, 'certify (phone)');
  await page.getByTestId('certify-start').click();
  await page.getByTestId('demo-face').waitFor();
  assert.match(await page.locator('.demo-tag').first().innerText(), /演示人脸识别/);
  assert.equal(await page.getByTestId('demo-subject').inputValue(), id, 'the ID typed at the demo login is offered again');
  await shot(page, 'recipients-certify-demo-phone');
  await checkA11y(page, 'demo face check (phone)');
  await page.getByTestId('demo-face').click();
  await page.getByTestId('certify-result').waitFor();
  assert.match(await page.getByTestId('certify-result').innerText(), /确认成功/);
  await shot(page, 'recipients-certified-result-phone');
  await checkA11y(page, 'certification result (phone)');
  await page.getByTestId('done-home').click();
  await page.waitForFunction(() => {
    const cards = [...document.querySelectorAll('[data-testid="benefit"]')];
    return cards.length > 0 && cards.every((c) => c.dataset.status === 'certified');
  });
  assert.match(await page.getByTestId('benefit-status').first().innerText(), /已认证/);
  await shot(page, 'recipients-certified-phone');

  // Uyghur: right to left, Arabic script, remembered.
  await page.getByTestId('lang-ug').click();
  const html = await page.evaluate(() => ({ dir: document.documentElement.dir, lang: document.documentElement.lang }));
  assert.deepEqual(html, { dir: 'rtl', lang: 'ug' });
  const heading = await page.locator('h1').innerText();
  assert.match(heading, ARABIC, `the heading is in Arabic script: ${heading}`);
  assert.ok(await page.locator('h1').isVisible());
  assert.match(await page.getByTestId('benefit-status').first().innerText(), ARABIC);
  assert.equal(await page.getByTestId('lang-ug').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.evaluate(() => localStorage.getItem('zige.lang')), 'ug', 'the choice is remembered');
  await shot(page, 'recipients-ug-phone');
  await checkA11y(page, 'status in Uyghur (phone)');
  await page.reload();
  await page.getByTestId('benefit').first().waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl', 'still Uyghur after a reload');

  // The home-visit screen (Uyghur), then send a request.
  await page.getByTestId('go-visit').click();
  await page.getByTestId('visit-submit').waitFor();
  assert.match(await page.locator('h1').innerText(), ARABIC);
  await shot(page, 'recipients-home-visit-ug-phone');
  await checkA11y(page, 'home visit (Uyghur, phone)');
  await page.getByTestId('visit-submit').click();
  await sentence(page); // nothing chosen yet: told what to do, in a sentence
  await page.locator('input[name="reason"][value="very_old"]').check();
  await page.locator('input[name="address"]').fill('天山区某路1号');
  await page.locator('input[name="phone"]').fill('13800000002');
  await page.locator('input[name="preferred_days"]').first().check();
  await page.getByTestId('visit-submit').click();
  await page.getByTestId('visit-result').waitFor();
  assert.match(await page.locator('.result .lead').innerText(), ARABIC);
  await checkA11y(page, 'home visit sent (Uyghur, phone)');
  await page.getByTestId('done-home').click();
  await page.getByTestId('benefit').first().waitFor();

  // Back to Chinese; the death-report screen.
  await page.getByTestId('lang-zh').click();
  assert.deepEqual(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang]), ['ltr', 'zh-CN']);
  await page.getByTestId('go-death').click();
  await page.getByTestId('death-submit').waitFor();
  await shot(page, 'recipients-death-report-phone');
  await checkA11y(page, 'death report (phone)');

  // An API error shown as a sentence: an ID number that cannot be one.
  await page.getByTestId('death-id').fill('123');
  await page.getByTestId('death-date').fill(FIXTURE.today ?? new Date().toISOString().slice(0, 10));
  await page.locator('input[name="relation"][value="child"]').check();
  await page.getByTestId('death-submit').click();
  const deathError = await sentence(page);
  assert.match(deathError, /身份号码|身份证/, deathError);
  assert.equal(await page.getByTestId('death-id').getAttribute('aria-invalid'), 'true', 'the field at fault is marked');
  await shot(page, 'recipients-death-report-error-phone');
  await checkA11y(page, 'death report error (phone)');

  // The same error in English and in Uyghur is still a sentence.
  await page.getByTestId('lang-en').click();
  assert.match(await sentence(page), /ID number/i);
  assert.equal(await page.getByTestId('death-id').inputValue(), '123', 'what was typed survives a language switch');
  assert.equal(await page.getByTestId('death-id').getAttribute('aria-invalid'), 'true', 'and the field is still marked');
  await shot(page, 'recipients-death-report-error-en-phone');
  await page.getByTestId('lang-ug').click();
  assert.match(await sentence(page), ARABIC);
  await page.getByTestId('lang-zh').click();

  // The history screen shows the certification.
  await page.getByTestId('home').first().click();
  await page.getByTestId('go-history').click();
  await page.getByTestId('history').waitFor();
  assert.match(await page.getByTestId('history').innerText(), /手机刷脸/);
  await checkA11y(page, 'history (phone)');

  // The network failing gets its own sentence.
  await page.getByTestId('home').first().click();
  await page.getByTestId('go-death').click();
  await page.route('**/api/v1/death-reports', (route) => route.abort('internetdisconnected'));
  await page.getByTestId('death-id').fill(FIXTURE.ids.ts_local ?? id);
  await page.getByTestId('death-date').fill(FIXTURE.today ?? new Date().toISOString().slice(0, 10));
  await page.locator('input[name="relation"][value="child"]').check();
  await page.getByTestId('death-submit').click();
  assert.match(await sentence(page), /网络/);
  await page.unroute('**/api/v1/death-reports');
  finish(page);

  // The status on a desktop, in a fresh context (session storage is per tab),
  // opened the production way: the identity assertion in the URL fragment,
  // used once and removed from the address.
  const desktop = await open(browser, DESKTOP);
  desktop.setDefaultTimeout(TIMEOUT);
  const minted = await desktop.request.post('/api/v1/demo/assertion', { data: { id_number: id } });
  assert.equal(minted.status(), 200);
  const { assertion } = await minted.json();
  await desktop.goto(`/#assertion=${encodeURIComponent(assertion)}`);
  await desktop.getByTestId('benefit').first().waitFor();
  assert.equal(await desktop.evaluate(() => location.href.includes('assertion')), false, 'the assertion is removed from the URL');
  assert.ok((await statuses(desktop)).every((s) => s === 'certified'), 'certified on the desktop too');
  await shot(desktop, 'recipients-status-desktop');
  await checkA11y(desktop, 'status (desktop)');

  // Logging out clears the session.
  await desktop.getByTestId('logout').click();
  await desktop.getByTestId('demo-id').waitFor();
  assert.equal(await desktop.evaluate(() => sessionStorage.getItem('zige.token')), null, 'the token is gone');
  await sentence(desktop);
  await checkA11y(desktop, 'logged out (desktop)');
  finish(desktop);
});
