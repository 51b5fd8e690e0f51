// The recipients' page end to end on a seeded, swept city with the dev-only
// demo mode on: log in as 李四 (never certified, so due or overdue) with the
// demo login; see where the benefit stands; certify with the demo face check
// and see it certified; switch to Uyghur (right to left); open the home-visit
// and death-report screens; the status on a desktop; an API error shown as a
// sentence; without logging in, a public report (R9.1) opened at /#report, sent
// anonymously and followed with its reference, in Chinese and in Uyghur.
// Every screen is checked with axe-core, watched for page errors and CSP
// violations, and photographed.

import assert from 'node:assert/strict';
import { scenario, open, PHONE, DESKTOP, checkA11y, shot, finish, FIXTURE } from './lib.mjs';

const TIMEOUT = 15_000;
const ARABIC = /[\u0600-\u06FF]/;

async function statuses(page) {
  return page.getByTestId('benefit').evaluateAll((cards) => cards.map((c) => c.dataset.status));
}

/**
 * The text a person sees in the message area: a sentence, never JSON. Waits
 * for the outcome (an error or a success), not the "sending…" note before it.
 */
async function sentence(page) {
  const message = page.getByTestId('message').locator('.message:not(.message-info) .message-text');
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
  assert.match(await page.getByTestId('report-open').innerText(), /举报违规领取/, 'the way to report is on the login screen');

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

  // The way to report is on the home screen too, and has its own address.
  await page.getByTestId('report-open').click();
  await page.getByTestId('report-submit').waitFor();
  assert.equal(await page.evaluate(() => location.hash), '#report');
  await page.getByTestId('home').first().click();
  await page.getByTestId('benefit').first().waitFor();
  assert.equal(await page.evaluate(() => location.hash), '', 'back home at the bare address');

  // Certify with the demo face check, her daughter holding the phone
  // (R6.3): who helped is recorded beside 李四's own result. Then back
  // home: certified.
  await page.getByTestId('go-certify').click();
  await page.getByTestId('certify-start').waitFor();
  await checkA11y(page, 'certify (phone)');
  await page.getByTestId('certify-helped').check();
  await page.getByTestId('certify-start').click();
  assert.match(await sentence(page), /和您的关系/, 'a helper without a relation is explained');
  await page.getByLabel('子女', { exact: true }).check();
  await page.getByTestId('helper-name').fill('李小红');
  await shot(page, 'recipients-certify-helped-phone');
  await checkA11y(page, 'certify with a helper (phone)');
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
  // The reasons come from the server in Uyghur, the Chinese original at hand.
  const reason = await page.locator('.reasons > ul li').first().innerText();
  assert.match(reason, ARABIC, reason);
  assert.doesNotMatch(reason, /[\u4e00-\u9fff]/, `no Chinese in the reason: ${reason}`);
  assert.ok((await page.locator('.reasons details.original').count()) > 0, 'the Chinese original is kept');

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
  // Sent again for a neighbour, by someone not registered as a relative
  // (R5.6): recorded, and the reporter is told payment goes on until staff
  // have checked.
  await page.getByTestId('death-id').fill(FIXTURE.ids.ts_local);
  await page.getByTestId('death-submit').click();
  await page.getByTestId('death-result').getByText('已记录您的申报').waitFor();
  assert.match(await page.locator('.result .lead').innerText(), /照常发放/);
  await checkA11y(page, 'death report recorded (phone)');
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

  // 赵六, on the service ledger (sick or disabled), fails the face check
  // twice: instead of a dead end, a home visit is arranged and he is told
  // so (R6.3).
  const frail = await open(browser, PHONE);
  frail.setDefaultTimeout(TIMEOUT);
  await frail.goto('/');
  await frail.getByTestId('demo-id').fill(FIXTURE.ids.acme);
  await frail.getByTestId('demo-login').click();
  await frail.getByTestId('go-certify').click();
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await frail.getByTestId('certify-start').click();
    await frail.getByTestId('demo-subject').fill(id);
    await frail.getByTestId('demo-face').click();
    if (attempt === 0) await sentence(frail);
  }
  await frail.getByTestId('certify-visit').waitFor();
  assert.match(await frail.locator('.result .lead').innerText(), /5个工作日内.*上门/);
  await shot(frail, 'recipients-certify-visit-arranged-phone');
  await checkA11y(frail, 'home visit arranged after failed checks (phone)');
  await frail.getByTestId('done-home').click();
  await frail.getByText(/上门/).first().waitFor();
  finish(frail);

  // Reporting improper receipt (R9.1), without logging in, straight from a
  // poster's QR code: the hotline, an anonymous report, its reference, its
  // progress.
  const visitor = await open(browser, PHONE);
  visitor.setDefaultTimeout(TIMEOUT);
  await visitor.goto('/#report');
  await visitor.getByTestId('report-submit').waitFor();
  assert.equal(await visitor.evaluate(() => sessionStorage.getItem('zige.token')), null, 'not logged in');
  const hotline = visitor.getByTestId('report-hotline');
  await hotline.waitFor();
  const number = (await hotline.locator('.hotline-number').innerText()).trim();
  assert.match(number, /^\+?[\d -]{3,}$/, `the hotline is shown: ${number}`);
  assert.equal(await hotline.getAttribute('href'), `tel:${number.replace(/[^\d+]/g, '')}`, 'the hotline can be called with a tap');
  await shot(visitor, 'recipients-report-phone');
  await checkA11y(visitor, 'report form (phone)');

  // Nothing filled in: told what to do, in a sentence.
  await visitor.getByTestId('report-submit').click();
  assert.match(await sentence(visitor), /选择/);
  await visitor.locator('input[name="kind"][value="improper_receipt"]').check();
  await visitor.locator('input[name="subject"]').fill('某小区 3 号楼的王某');
  await visitor.locator('textarea[name="details"]').fill('他父亲前年已经去世，他还在领父亲的养老金。');
  // A phone without a name is explained before anything is sent.
  await visitor.locator('input[name="reporter.phone"]').fill('13900000000');
  await visitor.getByTestId('report-submit').click();
  assert.match(await sentence(visitor), /姓名/);
  assert.equal(await visitor.locator('input[name="reporter.name"]').getAttribute('aria-invalid'), 'true');
  await visitor.locator('input[name="reporter.phone"]').fill('');
  const sent = visitor.waitForRequest((r) => r.url().endsWith('/api/v1/reports') && r.method() === 'POST');
  await visitor.getByTestId('report-submit').click();
  const request = await sent;
  const body = request.postDataJSON();
  assert.equal(body.kind, 'improper_receipt');
  assert.equal(body.reporter, undefined, 'anonymous: no reporter sent');
  assert.equal(request.headers().authorization, undefined, 'no session sent with a report');
  await visitor.getByTestId('report-reference').waitFor();
  const reference = (await visitor.getByTestId('report-reference').innerText()).replace(/\s/g, '');
  assert.match(reference, /^[A-Z0-9]{12}$/, `the reference is shown in big letters: ${reference}`);
  assert.match(await visitor.locator('.reference-advice').innerText(), /抄下来/);
  await shot(visitor, 'recipients-report-done-phone');
  await checkA11y(visitor, 'report sent (phone)');

  // Following the report: typed the way people copy it (lower case, dashes).
  await visitor.getByTestId('report-track-open').click();
  await visitor.getByTestId('report-track-input').waitFor();
  assert.equal(await visitor.evaluate(() => location.hash), '#report-track');
  const typed = reference.toLowerCase().match(/.{1,4}/g).join('-');
  await visitor.getByTestId('report-track-input').fill(typed);
  await visitor.getByTestId('report-track-submit').click();
  const progress = visitor.getByTestId('report-status');
  await progress.waitFor();
  assert.equal(await progress.getAttribute('data-status'), 'received');
  assert.match(await progress.innerText(), /已收到/);
  await shot(visitor, 'recipients-report-track-phone');
  await checkA11y(visitor, 'report progress (phone)');

  // A reference that does not exist is explained, the field marked.
  await visitor.getByTestId('report-track-input').fill('ZZZZ ZZZZ ZZZZ');
  await visitor.getByTestId('report-track-submit').click();
  assert.match(await sentence(visitor), /没有找到/);
  assert.equal(await visitor.getByTestId('report-track-input').getAttribute('aria-invalid'), 'true');
  assert.equal(await visitor.getByTestId('report-status').count(), 0, 'no stale progress left on screen');
  // Copied by hand with the letter O for the digit 0 (or I for 1): still found.
  const misread = reference.replace(/0/g, 'O').replace(/1/g, 'I');
  await visitor.getByTestId('report-track-input').fill(misread);
  await visitor.getByTestId('report-track-submit').click();
  await visitor.getByTestId('report-status').waitFor();
  assert.equal(await visitor.getByTestId('report-status').getAttribute('data-status'), 'received');

  // In Uyghur, right to left: the progress, then the form reached from the login screen.
  await visitor.getByTestId('lang-ug').click();
  assert.deepEqual(await visitor.evaluate(() => [document.documentElement.dir, document.documentElement.lang]), ['rtl', 'ug']);
  assert.match(await visitor.locator('h1').innerText(), ARABIC);
  assert.match(await visitor.getByTestId('report-status').innerText(), ARABIC);
  await checkA11y(visitor, 'report progress (Uyghur, phone)');
  await visitor.getByTestId('home').first().click();
  await visitor.getByTestId('report-open').click();
  await visitor.getByTestId('report-hotline').waitFor();
  assert.match(await visitor.locator('h1').innerText(), ARABIC);
  assert.match(await visitor.locator('legend').first().innerText(), ARABIC);
  await shot(visitor, 'recipients-report-ug-phone');
  await checkA11y(visitor, 'report form (Uyghur, phone)');
  finish(visitor);
});
