// The staff console end to end on a seeded, swept city: log in as the city
// administrator; the dashboard's charts (by district and payment changes by
// month among them); a dossier's evidence timeline and a change of address;
// dispatching the to-be-verified list; recording a field outcome; the
// to-be-verified list and its CSV and Excel exports; the two ledgers and the
// verification ledger's CSV export; an outcome's oversized file; an activity
// sign-in list; a roster import with a bad line; binding, verifying and the
// completeness grid of the monthly archives; the audit trail and its chain;
// organisations, staff accounts and the calendar; the dashboard on a phone;
// the console in Uyghur and in English.
// Every page is checked with axe-core and watched for CSP violations.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { scenario, open, PHONE, DESKTOP, checkA11y, shot, finish, FIXTURE } from './lib.mjs';

const TIMEOUT = 15_000;

async function login(page) {
  await page.goto('/staff/');
  await page.getByTestId('login-user').fill(FIXTURE.admin_user);
  await page.getByTestId('login-password').fill(FIXTURE.admin_password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-dashboard').waitFor({ timeout: TIMEOUT });
}

/** Waits until every chart canvas on the page has a Chart.js chart drawn on it. */
async function chartsDrawn(page, atLeast) {
  await page.waitForFunction(
    (n) => {
      const canvases = [...document.querySelectorAll('[data-testid="dashboard-chart"]')];
      return canvases.length >= n && canvases.every((c) => window.Chart?.getChart(c) && c.width > 0 && c.height > 0);
    },
    atLeast,
    { timeout: TIMEOUT },
  );
}

function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A photo of the person as the console uploads it: the bytes a JPEG begins with. */
const PHOTO = { name: '本人照片.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]) };

await scenario('staff console', async (browser) => {
  assert.ok(FIXTURE.admin_user && FIXTURE.ids?.sy_local, 'FIXTURE has the admin and the seeded ids');
  const today = FIXTURE.today ?? new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const page = await open(browser, DESKTOP);
  page.setDefaultTimeout(TIMEOUT);

  // Log in; the dashboard renders its charts.
  await login(page);
  await chartsDrawn(page, 6);
  const charts = await page.getByTestId('dashboard-chart').count();
  assert.ok(charts >= 6, `the dashboard draws its charts (${charts})`);
  await shot(page, 'staff-dashboard-desktop');
  await checkA11y(page, 'staff dashboard (desktop)');

  // The console in Uyghur (right to left) and English, then back in Chinese
  // (issue 18): the navigation and the page's headings carry no Chinese.
  const HAN = /\p{Script=Han}/u;
  for (const [code, dir, overview] of [['ug', 'rtl', /\p{Script=Arabic}/u], ['en', 'ltr', /^Overview$/]]) {
    await Promise.all([page.waitForEvent('load'), page.getByTestId('language').selectOption(code)]);
    await page.getByTestId('nav-dashboard').waitFor();
    await chartsDrawn(page, 6);
    assert.equal(await page.evaluate(() => document.documentElement.dir), dir, `${code} is written ${dir}`);
    const nav = await page.locator('#nav').innerText();
    assert.ok(!HAN.test(nav), `the navigation in ${code} has no Chinese: ${nav}`);
    assert.match((await page.getByTestId('nav-dashboard').innerText()).trim(), overview);
    const headings = await page.locator('main h1, main h2').allInnerTexts();
    assert.ok(headings.length > 0 && headings.every((text) => !HAN.test(text)), `the headings in ${code}: ${headings.join(' | ')}`);
    await shot(page, `staff-dashboard-${code}`);
    await checkA11y(page, `staff dashboard (${code})`);
  }
  await Promise.all([page.waitForEvent('load'), page.getByTestId('language').selectOption('zh')]);
  await page.getByTestId('nav-dashboard').getByText('工作概览').waitFor();
  await chartsDrawn(page, 6);

  // Search 李四 by ID number and open the dossier with its evidence timeline.
  await page.getByTestId('nav-persons').click();
  await page.getByTestId('person-search').fill(FIXTURE.ids.sy_local);
  await page.getByTestId('person-search').press('Enter');
  await page.getByTestId('person-row').first().waitFor();
  assert.equal(await page.getByTestId('person-row').count(), 1, 'an ID number finds exactly one person');
  await page.getByTestId('open-dossier').first().click();
  await page.getByTestId('timeline').waitFor();
  await page.getByRole('heading', { level: 1, name: /李四/ }).waitFor();
  const items = await page.getByTestId('timeline-item').count();
  assert.ok(items >= 1, `the timeline has entries (${items})`);
  const timelineText = await page.getByTestId('timeline').innerText();
  assert.match(timelineText, /R\d/, 'timeline entries name the requirement that decided');
  await shot(page, 'staff-dossier-desktop');
  await checkA11y(page, 'staff dossier (desktop)');

  // Change 李四's address (R3.1): the dossier shows the new one.
  await page.getByTestId('edit-person').click();
  const editDialog = page.getByRole('dialog');
  await editDialog.getByTestId('edit-address').fill('友好北路1号');
  await checkA11y(page, 'staff person edit dialog (desktop)');
  await editDialog.getByTestId('edit-submit').click();
  await page.getByTestId('benefit-decision-result').getByText(/已修改.*地址/).waitFor();
  await page.getByText('友好北路1号').first().waitFor();
  await shot(page, 'staff-dossier-edited-desktop');

  // Register 李四's daughter as a relative (R3.1): her report of a death
  // would stop payment at once (R5.6).
  await page.getByTestId('add-relative').click();
  const relativeDialog = page.getByRole('dialog');
  await relativeDialog.getByTestId('relative-id').fill(FIXTURE.relative_id);
  await relativeDialog.locator('select[name="relation"]').selectOption('child');
  await checkA11y(page, 'staff relative dialog (desktop)');
  await relativeDialog.getByTestId('relative-submit').click();
  await page.getByTestId('benefit-decision-result').getByText('已登记家属。').waitFor();
  await page.getByText(/子女 650103/).first().waitFor();

  // Dispatch the to-be-verified list with a deadline about 15 days ahead.
  await page.getByTestId('nav-tasks').click();
  await page.getByTestId('dispatch-deadline').fill(addDays(today, 15));
  await page.getByTestId('dispatch-submit').click();
  const dispatched = page.getByTestId('dispatch-result');
  await dispatched.getByText(/已下发/).waitFor();
  assert.match(await dispatched.innerText(), /已下发 \d+ 人.*已有在办任务.*核实截止日期 \d{4}-\d{2}-\d{2}/s);

  // Record an "eligible" outcome (at the window) for 李四's task.
  const row = page.getByTestId('task-row').filter({ hasText: '李*' }).first();
  await row.waitFor();
  const taskId = await row.getAttribute('data-task-id');
  await row.getByTestId('record-outcome').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('outcome-eligible').check();
  await dialog.getByTestId('outcome-channel').selectOption('window');
  // An "eligible" keeps a photo of the person (R6.2): without one the dialog says so.
  await dialog.getByTestId('outcome-submit').click();
  await dialog.locator('.problem-main').getByText(/须上传本人照片或视频/).waitFor();
  await dialog.getByTestId('outcome-files').setInputFiles(PHOTO);
  await dialog.getByTestId('outcome-submit').click();
  await page.getByTestId('outcome-result').getByText(/已登记.*符合条件/).waitFor();
  assert.equal(await page.getByRole('dialog').count(), 0, 'the dialog closes');
  await page.locator(`[data-testid="task-row"][data-task-id="${taskId}"]`).waitFor({ state: 'detached' });
  await checkA11y(page, 'staff tasks (desktop)');

  // The to-be-verified list and its CSV export (BOM, Chinese headers).
  await page.getByTestId('nav-lists').click();
  await page.getByTestId('list-tab-to_verify').click();
  await page.getByTestId('list-total').getByText('待核实人员名单').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = await readFile(await download.path());
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the export starts with a UTF-8 BOM');
  const text = csv.subarray(3).toString('utf8');
  assert.ok(text.startsWith('名单,姓名,公民身份号码,待遇类别'), `Chinese headers: ${text.slice(0, 60)}`);
  assert.ok(!text.includes(FIXTURE.ids.acme), 'no full ID numbers in the export');
  assert.match(download.suggestedFilename(), /\.csv$/);
  // The same list as an Excel workbook (a ZIP file: "PK").
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
  const workbook = await readFile(await xlsx.path());
  assert.equal(workbook.subarray(0, 2).toString('latin1'), 'PK', 'the Excel export is an xlsx (ZIP) file');
  assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
  await shot(page, 'staff-lists-desktop');
  await checkA11y(page, 'staff lists (desktop)');

  // The ledgers: both render for the last year; the verification ledger's CSV
  // (BOM, Chinese headers) is fetched with the token and saved.
  await page.getByTestId('nav-ledgers').click();
  await page.getByTestId('ledger-verification-total').getByText('信息核实台账').waitFor();
  await page.getByTestId('ledger-service-total').getByText('服务台账').waitFor();
  const ledgerText = await page.getByTestId('ledger-verification').innerText();
  assert.match(ledgerText, /共 [1-9][\d,]* 条/, `the verification ledger lists the dispatched tasks: ${ledgerText.slice(0, 120)}`);
  assert.ok((await page.getByTestId('ledger-verification').getByTestId('ledger-row').count()) >= 1, 'verification ledger rows');
  const [ledgerDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-ledger-verification').click()]);
  const ledgerCsv = await readFile(await ledgerDownload.path());
  assert.deepEqual([...ledgerCsv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the ledger export starts with a UTF-8 BOM');
  const ledgerCsvText = ledgerCsv.subarray(3).toString('utf8');
  assert.ok(ledgerCsvText.startsWith('任务编号,姓名,公民身份号码'), `Chinese ledger headers: ${ledgerCsvText.slice(0, 60)}`);
  assert.ok(!ledgerCsvText.includes(FIXTURE.ids.sy_local), 'no full ID numbers in the ledger');
  assert.match(ledgerDownload.suggestedFilename(), /\.csv$/);
  await page.getByText(/已导出“信息核实台账/).waitFor();
  await checkA11y(page, 'staff ledgers (desktop)');
  await shot(page, 'staff-ledgers-desktop');

  // An outcome's files are checked before sending: a 6 MB photo is refused.
  await page.getByTestId('nav-tasks').click();
  await page.getByTestId('record-outcome').first().click();
  const outcomeDialog = page.getByRole('dialog');
  await outcomeDialog.getByTestId('outcome-files').setInputFiles({ name: '上门照片.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(6 * 1024 * 1024, 0xff) });
  await outcomeDialog.getByRole('alert').getByText(/6\.0 MB，超过5 MB/).waitFor();
  await checkA11y(page, 'staff outcome dialog with a file (desktop)');
  await outcomeDialog.getByRole('button', { name: '取消' }).click();
  assert.equal(await page.getByRole('dialog').count(), 0, 'the outcome dialog closes');

  // An activity's sign-in list, pasted: each line's result.
  await page.getByTestId('tab-sign-in').click();
  await page.getByTestId('sign-in-activity').fill('重阳节座谈会');
  await page.getByTestId('sign-in-paste').fill(`${FIXTURE.ids.sy_local}\n12345\n`);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('sign-in-row').first().waitFor();
  assert.deepEqual(
    await page.getByTestId('sign-in-row').evaluateAll((rows) => rows.map((r) => r.dataset.outcome)),
    ['certified', 'rejected'],
    'the city administrator certifies a resident; a malformed number is refused',
  );
  // The activity's photos are kept with its sheet for the archive (R6.4).
  await page.getByTestId('sign-in-photos').setInputFiles(PHOTO);
  await page.getByRole('button', { name: '上传活动照片' }).click();
  await page.getByTestId('sign-in-photos-result').getByText(/共 1 张/).waitFor();
  // A household survey's remarks (R6.5): 李四 seen, a line with a bad number.
  await page.getByTestId('survey-file').setInputFiles({
    name: '全民参保登记个人信息汇总表.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`序号,姓名,公民身份号码,备注\n1,李四,${FIXTURE.ids.sy_local},本人健在\n2,某人,12345,本人健在\n`),
  });
  await page.getByTestId('survey-submit').click();
  await page.getByTestId('survey-row').first().waitFor();
  assert.deepEqual(await page.getByTestId('survey-row').evaluateAll((rows) => rows.map((r) => r.dataset.outcome)), ['certified', 'rejected']);
  assert.match(await page.getByTestId('survey-result').innerText(), /未使用的列：序号、姓名/);
  await checkA11y(page, 'staff activity sign-in (desktop)');

  // A roster file with a malformed ID number: the line is rejected with its reason.
  await page.getByTestId('nav-imports').click();
  await page.getByTestId('roster-file').setInputFiles({
    name: '花名册.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('序号,id_number,name,benefit_type,monthly_amount,benefit_start,insured_district,residence,community,management,employer,phone,last_certified_on,special_group,depends_on\n1,12345,某人,110,100,2020-01-01,650102,domestic,,socialised,,,,,\n'),
  });
  await page.getByTestId('roster-submit').click();
  await page.getByTestId('roster-result').getByText(/导入完成.*拒收 1 行/).waitFor();
  assert.match(await page.getByTestId('roster-rejected-row').innerText(), /^2\s.*id_number/s, 'the rejected line names the column');
  assert.match(await page.getByTestId('roster-ignored').innerText(), /序号/, 'an unused column is ignored and named');
  await checkA11y(page, 'staff roster import (desktop)');
  await shot(page, 'staff-imports-desktop');

  // A bank's file of records: registered as a partner, uploaded, followed to
  // the end, and its result file (UTF-8 with BOM) downloaded.
  await page.getByTestId('nav-partners').click();
  await page.getByText('登记新的数据共享单位').click();
  await page.getByLabel('单位编号（英文）').fill('bank-icbc');
  await page.getByLabel('单位名称').fill('工商银行');
  await page.getByLabel('类别').selectOption('bank');
  await page.getByLabel('本人办理银行业务').check();
  await page.getByRole('button', { name: '登记', exact: true }).click();
  await page.getByTestId('partner-secret').waitFor();
  await page.getByTestId('nav-imports').click();
  await page.getByTestId('imports-tab-partners').click();
  await page.getByTestId('import-partner').selectOption('bank-icbc');
  await page.getByTestId('import-file').setInputFiles({
    name: '银行柜面记录.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`event_id,type,id_number,occurred_on\nb1,bank_in_person,${FIXTURE.ids.sy_local},${today}\nb2,bank_in_person,12345,${today}\n`),
  });
  await page.getByTestId('import-submit').click();
  await page.locator('[data-testid="import-card"][data-status="done"]').waitFor();
  assert.match(await page.getByTestId('import-counts').innerText(), /已入库 1.*拒收 1/, 'each row has its outcome');
  const [results] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-progress').getByTestId('import-results').click()]);
  const resultCsv = await readFile(await results.path());
  assert.deepEqual([...resultCsv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the result file starts with a UTF-8 BOM');
  assert.match(resultCsv.subarray(3).toString('utf8'), /^line,event_id,outcome,reason/);
  await page.getByTestId('import-row').first().waitFor();
  await checkA11y(page, 'staff partner file import (desktop)');
  await shot(page, 'staff-partner-import-desktop');

  // The monthly archive (R8.2): bind this month of 天山区, see it listed,
  // verify it as stored, and find it filed in the completeness grid.
  const month = today.slice(0, 7);
  await page.getByTestId('nav-archives').click();
  await page.getByTestId('archive-district').selectOption('650102');
  await page.getByTestId('archive-month').fill(month);
  await page.getByTestId('archive-bind').click();
  await page.getByTestId('archive-verify-result').getByText(/已装订.*第 \d+ 版/).waitFor();
  const archiveRow = page.locator(`[data-testid="archive-row"][data-district="650102"][data-month="${month}"]`).first();
  await archiveRow.waitFor();
  await archiveRow.getByTestId('archive-verify').click();
  await page.getByTestId('archive-verify-result').getByText(/完好/).waitFor();
  const filedCell = page.locator(`[data-testid="completeness-cell"][data-district="650102"][data-month="${month}"]`);
  await filedCell.waitFor();
  assert.equal(await filedCell.getAttribute('data-status'), 'filed', 'the bound month is filed');
  assert.match(await filedCell.innerText(), /已归档/, 'the status is written, not only coloured');
  await checkA11y(page, 'staff archives (desktop)');
  await shot(page, 'staff-archives-desktop');

  // The audit trail: records, and the hash chain verified intact.
  await page.getByTestId('nav-audit').click();
  await page.getByTestId('audit-row').first().waitFor();
  await page.getByTestId('audit-verify').click();
  await page.getByTestId('audit-verify-result').getByText(/审计日志完好：共 [\d,]+ 条记录/).waitFor();
  await checkA11y(page, 'staff audit (desktop)');
  await shot(page, 'staff-audit-desktop');

  // Organisations, a new staff account with a generated password, the calendar.
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('org-row').first().waitFor();
  await checkA11y(page, 'staff organisations (desktop)');
  await shot(page, 'staff-orgs-desktop');
  await page.getByTestId('admin-tab-staff').click();
  await page.getByTestId('staff-row').first().waitFor();
  await page.getByTestId('staff-create').click();
  await page.getByTestId('staff-username').fill('ts-clerk');
  await page.getByTestId('staff-display-name').fill('天山区经办员');
  await page.getByTestId('staff-role').selectOption('district');
  await page.getByTestId('staff-org').selectOption('650102');
  await page.getByRole('button', { name: '生成随机密码' }).click();
  await page.getByTestId('staff-submit').click();
  await page.getByTestId('staff-password').getByText(/已新建账号 ts-clerk/).waitFor();
  await page.locator('[data-testid="staff-row"][data-username="ts-clerk"]').waitFor();
  await checkA11y(page, 'staff accounts (desktop)');
  await shot(page, 'staff-accounts-desktop');
  await page.getByTestId('admin-tab-calendar').click();
  await page.getByTestId('calendar-next-year').waitFor();
  const nextYear = Number(today.slice(0, 4)) + 1;
  await page.getByTestId('calendar-year').selectOption(String(nextYear));
  // Next year is provisional until its notice is loaded; a notice with a
  // statutory day missing is refused with the days it lacks.
  await page.getByTestId('calendar-next-year').getByText(/暂按法定节假日推算/).waitFor();
  await page.getByTestId('calendar-text').fill(`${nextYear}-01-01 holiday 元旦\n`);
  await page.getByTestId('calendar-submit').click();
  await page.getByText(/缺少法定节假日/).waitFor();
  await page.getByTestId('calendar-text').fill(`${FIXTURE.next_year_statutory}${nextYear}-10-04 holiday 国庆节\n`);
  await page.getByTestId('calendar-submit').click();
  await page.getByTestId('calendar-result').getByText(`已载入${nextYear}年工作日历`).waitFor();
  await page.getByTestId('calendar-next-year').getByText(/已载入/).waitFor();
  await checkA11y(page, 'staff calendar (desktop)');
  await shot(page, 'staff-calendar-desktop');

  // A cycle policy: quarterly unemployment benefit from next year, previewed per district, then saved.
  await page.getByTestId('admin-tab-policies').click();
  await page.locator('[data-testid="policy-row"][data-benefit="unemployment"]').getByText('通知默认').waitFor();
  await page.getByTestId('policy-benefit').selectOption('unemployment');
  await page.getByTestId('policy-from').fill(`${nextYear}-01-01`);
  await page.getByTestId('policy-unit').selectOption('quarter');
  await page.getByTestId('policy-grace').fill('15');
  await page.getByTestId('policy-preview').click();
  await page.getByTestId('policy-result').getByText(/按新规则/).waitFor();
  await page.getByTestId('policy-submit').click();
  await page.getByTestId('policy-result').getByText(/已保存/).waitFor();
  await page.getByText(`${nextYear}-01-01`).first().waitFor();
  await checkA11y(page, 'staff cycle policies (desktop)');
  await shot(page, 'staff-policies-desktop');

  // The agency opens a recovery by hand from 赵六's dossier (R7.3): payment
  // stops, and the case is in the recoveries queue with its amount.
  await page.getByTestId('nav-persons').click();
  await page.getByTestId('person-search').fill(FIXTURE.ids.acme);
  await page.getByTestId('person-search').press('Enter');
  await page.getByTestId('open-dossier').first().click();
  await page.getByTestId('open-recovery').first().click();
  const recoveryDialog = page.getByRole('dialog');
  await recoveryDialog.locator('select[name="loss"]').selectOption('death.unit_or_community');
  await recoveryDialog.locator('input[name="loss_date"]').fill(addDays(today, -75));
  await recoveryDialog.locator('textarea[name="note"]').fill('单位来函告知本人已去世');
  await checkA11y(page, 'staff open recovery dialog (desktop)');
  await recoveryDialog.getByTestId('open-recovery-submit').click();
  await page.getByTestId('benefit-decision-result').getByText(/已开立追回案件 1 件/).waitFor();
  await page.getByTestId('nav-recoveries').click();
  await page.getByTestId('recovery-row').filter({ hasText: '赵*' }).waitFor();
  // The notice in Uyghur, right to left, for a person who reads Uyghur (R7.3).
  await page.getByTestId('recovery-row').filter({ hasText: '赵*' }).getByRole('link').click();
  await page.getByTestId('notice-open-ug').click();
  const sheet = page.getByTestId('notice-sheet');
  await sheet.waitFor();
  assert.equal(await sheet.getAttribute('dir'), 'rtl', 'the Uyghur notice reads right to left');
  assert.match(await sheet.innerText(), /乌人社规〔2022〕3号/, 'it cites the notice');
  await shot(page, 'staff-notice-ug-desktop');
  await page.keyboard.press('Escape');
  await page.getByTestId('nav-recoveries').click();
  await page.getByRole('link', { name: '已撤销' }).click();
  await page.getByText('没有案件').waitFor();

  // 赵六's son phones: his father is alive (R7.2). The clerk records the
  // objection for him; the clock to termination stops and re-verification
  // opens. Then 赵六 comes to the window with his photo taken there (R5.5,
  // R6.2): the certification is the outcome of that re-verification.
  await page.getByTestId('nav-persons').click();
  await page.getByTestId('person-search').fill(FIXTURE.ids.acme);
  await page.getByTestId('person-search').press('Enter');
  await page.getByTestId('open-dossier').first().click();
  await page.getByTestId('desk-objection').click();
  const objectionDialog = page.getByRole('dialog');
  await objectionDialog.getByTestId('desk-channel').selectOption('phone');
  await objectionDialog.getByTestId('desk-relation').selectOption('child');
  await objectionDialog.getByTestId('desk-relative-name').fill('赵小明');
  await objectionDialog.getByTestId('desk-objection-text').fill('我父亲还健在，单位来函有误，请重新核实。');
  await checkA11y(page, 'staff objection by phone dialog (desktop)');
  await objectionDialog.getByTestId('desk-objection-submit').click();
  await page.getByTestId('benefit-decision-result').getByText(/已登记赵六的异议（电话）/).waitFor();
  const request = page.getByTestId('desk-request').first();
  assert.match(await request.innerText(), /电话[\s\S]*子女 赵\*明/, 'the dossier says how the objection came and who made it');
  await shot(page, 'staff-dossier-objection-by-phone-desktop');

  await page.getByTestId('desk-certify').click();
  const certifyDialog = page.getByRole('dialog');
  await certifyDialog.getByTestId('desk-certify-channel').selectOption('window');
  await certifyDialog.getByTestId('desk-certify-files').setInputFiles(PHOTO);
  await checkA11y(page, 'staff window certification dialog (desktop)');
  await certifyDialog.getByTestId('desk-certify-submit').click();
  await page.getByTestId('benefit-decision-result').getByText(/已登记赵六的认证，已生效/).waitFor();
  finish(page);

  // The dashboard on a narrow phone.
  const phone = await open(browser, PHONE);
  phone.setDefaultTimeout(TIMEOUT);
  await login(phone);
  await chartsDrawn(phone, 6);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page does not scroll sideways on a phone (${overflow}px)`);
  await shot(phone, 'staff-dashboard-phone');
  await checkA11y(phone, 'staff dashboard (phone)');
  finish(phone);
});
