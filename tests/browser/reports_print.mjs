// The printable reports from the reports page, in the language the user reads it in, and
// on paper: the monthly report of the demo year's busiest month (December 2022: the most
// trips and rides) prints on a few A4 pages in either language, and the mileage statements
// on one page each. Printed by Chromium itself (page.pdf, the page's own @page rules).
import fs from 'node:fs';
import path from 'node:path';
import { run, check, equal, watchPage, signInDispatcher, apiClient, artifacts, DEMO_PASSWORD } from './harness.mjs';

const MONTH = '2022-12';
const MAX_MONTHLY_PAGES = 5;  // 10 before the report was condensed; 4 when measured (docs/reports.md)

// Pages of a PDF: its page objects (not the /Pages tree nodes).
function pageCount(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) || []).length;
}

async function downloadHtml(page, testid) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return fs.readFileSync(await download.path(), 'utf8');
}

async function printPdf(context, html, name) {
  const paper = await context.newPage();
  await paper.setContent(html, { waitUntil: 'load' });
  const pdf = await paper.pdf({ preferCSSPageSize: true, printBackground: true });
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, name), pdf);
  await paper.close();
  return pageCount(pdf);
}

await run('reports: printed in the reader\'s language, on a few A4 pages', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const statements = (await api.get(`/api/v1/reports/statements?month=${MONTH}`)).json.statements;
  check(statements.length >= 2, `the month has statements (${statements.length})`);

  const page = await browser.context.newPage();
  watchPage(page, problems);
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('format=html')) asked.push(new URL(r.url()).searchParams.get('lang')); });
  await signInDispatcher(page, server);  // in English
  await page.goto(`${server.url}/#reports?month=${MONTH}`);
  await page.getByTestId('statements-table').waitFor({ timeout: 20000 });

  const printed = {};
  for (const lang of ['en', 'zh-CN']) {
    if (lang === 'zh-CN') {
      await page.getByTestId('lang').selectOption('zh-CN');
      await page.getByTestId('statements-table').waitFor({ timeout: 20000 });
    }
    const monthly = await downloadHtml(page, 'dl-html');
    const sheets = await downloadHtml(page, 'dl-statements');
    for (const html of [monthly, sheets]) {
      check(html.includes(`<html lang="${lang}"`), `the printed page is in ${lang}`);
      check(!/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z/.test(html), `${lang}: no UTC instant on paper`);
    }
    check(monthly.includes(lang === 'en' ? 'Monthly report, December 2022' : '2022年12月月度报表'),
      `${lang}: the title names the month the local way`);
    const pages = await printPdf(browser.context, monthly, `reports_print-monthly-${MONTH}-${lang}.pdf`);
    check(pages >= 1 && pages <= MAX_MONTHLY_PAGES, `${lang}: the monthly report prints on at most ${MAX_MONTHLY_PAGES} A4 pages (${pages})`);
    const sheetPages = await printPdf(browser.context, sheets, `reports_print-statements-${MONTH}-${lang}.pdf`);
    equal(sheetPages, statements.length, `${lang}: a page per mileage statement`);
    printed[lang] = { monthly: pages, statements: sheetPages };
  }
  equal(asked, ['en', 'en', 'zh-CN', 'zh-CN'], 'each download asks for the page\'s language');
  console.log(`A4 pages, ${MONTH}: ${JSON.stringify(printed)}`);
});
