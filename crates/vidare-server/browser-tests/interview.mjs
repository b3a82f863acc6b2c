// Drives the Vidare web page in a real headless Chromium (Debian's
// /usr/bin/chromium) with playwright-core: an interview on the
// seven questions about violence in the version the start page offers
// (2.0.0, the newest), with keyboard answers, "prefer not to
// answer", back (which shows the earlier answer chosen), a language
// switch, the immediate trigger, the result page and the quick exit, which
// must leave no way back to the interview in the browser history, no
// session id in any address the browser went through and no questionnaire
// in any title. axe-core checks the start, question, completion and result
// pages at desktop width and at 375 px. A second context with JavaScript
// off completes an interview, deletes it after the confirmation, and
// leaves by the quick exit. Screenshots go to the artifacts folder.
//
//   node interview.mjs http://127.0.0.1:8080 [artifacts-folder]
//
// Prints "ok - ..." per check and closes with "N passed, N failed".

import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const base = (process.argv[2] || process.env.VIDARE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const artifacts = resolve(process.argv[3] || process.env.VIDARE_ARTIFACTS || '../../../target/browser-artifacts');
mkdirSync(artifacts, { recursive: true });

let passed = 0;
let failed = 0;
function check(condition, what) {
  if (condition) {
    passed += 1;
    console.log(`ok - ${what}`);
  } else {
    failed += 1;
    console.log(`not ok - ${what}`);
  }
}

// The quick exit's neutral site: the server under test is started with
// `--quick-exit-url http://weather.example/`, which Chromium resolves to
// this local stand-in (the quick exit reaches it through the server's
// redirect, which playwright's routing does not see).
const neutral = createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'text/html' });
  response.end('<!doctype html><title>Weather</title><h1>Weather today</h1>');
});
await new Promise((done) => neutral.listen(0, '127.0.0.1', done));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--host-resolver-rules=MAP weather.example 127.0.0.1:${neutral.address().port}`,
  ],
});

// A context in which nothing leaves this machine: every other site, such
// as the quick exit's neutral site, is answered here. Every address the
// browser requests for a page (redirects and form posts too) and every
// page title is recorded.
async function newContext(options) {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 }, ...options });
  await context.route((url) => !url.href.startsWith(base), (route) => route.fulfill({
    status: 200,
    contentType: 'text/html',
    body: '<!doctype html><title>Weather</title><h1>Weather today</h1>',
  }));
  const page = await context.newPage();
  const visited = [];
  const titles = [];
  page.on('request', (r) => { if (r.isNavigationRequest() || r.resourceType() === 'fetch') { visited.push(r.url()); } });
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) { visited.push(f.url()); } });
  page.on('load', async () => { titles.push(await page.title().catch(() => '')); });
  return { context, page, visited, titles };
}

// The session id and the questionnaire's titles must show in no address
// and no title the browser went through.
const secrets = ['Seven questions about violence', 'Sju frågor om våld'];
function leaks(visited, titles, id) {
  const found = [];
  for (const url of visited) {
    if (id && url.includes(id)) { found.push(`address ${url}`); }
    if (/\/s\/[0-9a-f]{16,}/.test(url)) { found.push(`address ${url}`); }
  }
  for (const title of titles) {
    if (secrets.some((s) => title.includes(s))) { found.push(`title ${title}`); }
  }
  return found;
}

// axe-core with zero violations, at desktop width and at 375 px.
async function axe(page, what) {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    });
    check(violations.length === 0, `axe: no violations on the ${what} page at ${width} px${violations.length ? `: ${violations.join('; ')}` : ''}`);
  }
  await page.setViewportSize({ width: 900, height: 1000 });
}

try {
  const { page, visited, titles } = await newContext({});
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') { errors.push(m.text()); } });

  const heading = async () => (await page.locator('h1').first().textContent()).trim();
  // Every step ends in a new page load (location.replace after the POST).
  const act = async (action) => {
    await Promise.all([page.waitForEvent('load'), action()]);
  };

  await page.goto(`${base}/?lang=en`);
  check(await page.locator('#quick-exit').isVisible(), 'the quick exit is visible on the start page');
  await axe(page, 'start');
  const seven = page.getByLabel(/Seven questions about violence/);
  check(await seven.getAttribute('value') === 'violence-seven@2.0.0', 'the start page offers the newest version');
  await seven.check();
  await page.getByLabel('English', { exact: true }).check();
  await act(() => page.getByRole('button', { name: 'Start' }).click());
  check((await heading()).startsWith('Are you alone, so that nobody else can see or hear'), 'the first question is asked');
  check(new URL(page.url()).pathname === '/interview', `the interview's address is neutral (${page.url()})`);
  check(await page.title() === 'Vidare', 'the title names no questionnaire');
  const id = await page.locator('input[name=session]').first().getAttribute('value');
  check(await page.locator('#quick-exit').isVisible(), 'the quick exit is visible in the interview');
  await axe(page, 'question');

  await page.getByLabel('Yes', { exact: true }).check();
  await act(() => page.getByRole('button', { name: 'Next' }).click());

  // Keyboard only: the first option has focus; Space chooses it, Enter goes on.
  check((await heading()).startsWith('Is an interpreter used'), 'the interpreter question follows');
  await page.keyboard.press('Space');
  await act(() => page.keyboard.press('Enter'));
  check((await heading()).includes('threatened, controlled'), 'answered with the keyboard alone');
  await act(() => page.getByRole('button', { name: /Back/ }).click());
  check(await page.locator('input[name=value]:checked').count() === 1, 'back shows the earlier answer chosen');
  await act(() => page.getByRole('button', { name: 'Next' }).click());
  check((await heading()).includes('threatened, controlled'), 'and it is kept with Next');

  // Prefer not to answer, then back.
  await act(() => page.getByRole('button', { name: 'Prefer not to answer' }).click());
  check((await heading()).includes('hit, kicked, pushed'), '"prefer not to answer" moves on');
  await act(() => page.getByRole('button', { name: /Back/ }).click());
  check((await heading()).includes('threatened, controlled'), 'back returns to the declined question');

  // The language switch keeps the place in the interview.
  await act(() => page.getByRole('link', { name: 'Svenska' }).click());
  check((await heading()).includes('hotat, kontrollerat'), 'the page switches to Swedish');
  await act(() => page.getByRole('link', { name: 'English' }).click());
  check((await heading()).includes('threatened, controlled'), 'and back to English');

  await page.getByLabel('Yes', { exact: true }).check();
  await act(() => page.getByRole('button', { name: 'Next' }).click());
  check(await page.locator('#immediate').count() === 0, 'no trigger before it fires');
  await page.getByLabel('It is going on now').check();
  await act(() => page.getByRole('button', { name: 'Next' }).click());
  const alert = page.locator('#immediate');
  check(await alert.isVisible(), 'the immediate trigger shows as soon as it fires');
  check((await alert.textContent()).includes('FREDA risk assessment'), 'it says what to do');
  await page.screenshot({ path: `${artifacts}/interview-trigger.png`, fullPage: true });

  // Answer "no" to the rest.
  for (let n = 0; n < 20 && await page.locator('form.item').count() > 0; n += 1) {
    const no = page.getByLabel('No', { exact: true });
    if (await no.count() > 0) {
      await no.check();
    } else {
      await page.locator('form.item input[type=radio]').first().check();
    }
    await act(() => page.getByRole('button', { name: 'Next' }).click());
  }
  check((await page.locator('h1#done').textContent()).includes('The interview is complete'), 'the interview completes, under a level-one heading');
  await axe(page, 'completion');

  await act(() => page.getByRole('link', { name: 'Show the result' }).click());
  check((await heading()) === 'Result', 'the result page opens');
  const referrals = await page.locator('#referrals').textContent();
  check(referrals.includes('Carry out a risk assessment with the person (FREDA risk assessment'), 'the result lists the immediate referral');
  check(referrals.includes('When did it last happen?'), 'with its evidence');
  check(referrals.includes('kept for the conversation only'), 'without the answers kept for the conversation only');
  await page.screenshot({ path: `${artifacts}/result.png`, fullPage: true });
  await axe(page, 'result');

  // The whole interview took one history entry.
  const entries = await page.evaluate(() => window.history.length);
  check(entries <= 2, `the interview occupies one history entry (history.length = ${entries})`);

  // Quick exit: to the neutral site, and no way back.
  await Promise.all([page.waitForURL((u) => !u.href.startsWith(base)), page.locator('#quick-exit').click()]);
  check((await heading()) === 'Weather today', 'the quick exit shows the neutral site');
  const after = await page.evaluate(() => ({ length: window.history.length, title: document.title }));
  check(after.length <= 2 && after.title === 'Weather', `after the quick exit: history.length = ${after.length}, title "${after.title}"`);
  let backToApp = false;
  for (let n = 0; n < 5; n += 1) {
    const response = await page.goBack().catch(() => null);
    if (page.url().startsWith(base)) { backToApp = true; break; }
    if (response === null) { break; }
  }
  check(!backToApp, `the browser history does not lead back to the interview (now at ${page.url()})`);
  await page.screenshot({ path: `${artifacts}/after-quick-exit.png` });
  const found = leaks(visited, titles, id);
  check(visited.length > 5 && titles.length > 5 && found.length === 0,
    `no address or title the browser went through names the session or the questionnaire (${visited.length} addresses, ${titles.length} titles)${found.length ? `: ${found.join('; ')}` : ''}`);
  check(errors.length === 0, `no script errors${errors.length ? `: ${errors.join('; ')}` : ''}`);
  // Reopening the interview's addresses shows nothing of it (a 404 page).
  for (const path of ['/interview?lang=en', '/interview/result?lang=en', `/s/${id}`, `/s/${id}/result`]) {
    await page.goto(`${base}${path}`);
    const text = await page.locator('body').textContent();
    check(!secrets.some((s) => text.includes(s)) && !text.includes(id) && !text.includes('FREDA'),
      `reopening ${path.replace(id, '<id>')} after the quick exit shows nothing of the interview`);
  }

  await noJavaScript();
} catch (error) {
  failed += 1;
  console.log(`not ok - ${error && error.stack ? error.stack : error}`);
} finally {
  await browser.close();
  neutral.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

// Without JavaScript: Chromium sends `Origin: null` (the pages' no-referrer
// policy) and `Sec-Fetch-Site: same-origin` with every form post.
async function noJavaScript() {
  const { context, page, visited, titles } = await newContext({ javaScriptEnabled: false });
  const submit = async (name) => {
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
  };
  const heading = async () => (await page.locator('h1').first().textContent()).trim();
  await page.goto(`${base}/?lang=en`);
  await page.getByLabel(/Seven questions about violence/).check();
  await page.getByLabel('English', { exact: true }).check();
  const posted = page.waitForRequest((r) => r.method() === 'POST');
  await submit('Start');
  const sent = await (await posted).allHeaders();
  check(sent.origin === 'null', `without JavaScript: the start form is posted with Origin "${sent.origin}"`);
  check((await heading()).startsWith('Are you alone'), 'without JavaScript: the interview starts (the form post is taken)');
  const id = await page.locator('input[name=session]').first().getAttribute('value');
  let n = 0;
  for (; n < 25 && await page.locator('form.item').count() > 0; n += 1) {
    const yes = page.getByLabel('Yes', { exact: true });
    const no = page.getByLabel('No', { exact: true });
    if (n === 0 && await yes.count() > 0) {
      await yes.check();
    } else if (await no.count() > 0) {
      await no.check();
    } else {
      await page.locator('form.item input[type=radio]').first().check();
    }
    await submit('Next');
  }
  check((await page.locator('h1#done').count()) === 1, `without JavaScript: the interview completes (${n} answers)`);
  await page.getByRole('link', { name: 'Show the result' }).click();
  await page.waitForLoadState('load');
  check((await heading()) === 'Result', 'without JavaScript: the result page opens');
  await submit('Delete the session');
  check((await heading()) === 'Delete the session?', 'without JavaScript: deleting asks first');
  await page.screenshot({ path: `${artifacts}/confirm-delete.png` });
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'No, keep it' }).click()]);
  check((await heading()) === 'Result', 'without JavaScript: the session is kept when not confirmed');
  await submit('Delete the session');
  await submit('Yes, delete the session');
  check((await heading()) === 'Start an interview', 'without JavaScript: the session is deleted once confirmed');
  // A second interview, left by the quick exit.
  await page.getByLabel(/Seven questions about violence/).check();
  await submit('Start');
  const second = await page.locator('input[name=session]').first().getAttribute('value');
  await Promise.all([page.waitForURL((u) => !u.href.startsWith(base)), page.locator('#quick-exit').click()]);
  check((await heading()) === 'Weather today', 'without JavaScript: the quick exit shows the neutral site');
  await page.goBack().catch(() => null);
  const text = await page.locator('body').textContent();
  check(!secrets.some((s) => text.includes(s)) && !text.includes(second),
    `without JavaScript: going back after the quick exit shows nothing of the interview (at ${page.url()})`);
  const found = [...leaks(visited, titles, id), ...leaks(visited, titles, second)];
  check(found.length === 0, `without JavaScript: no address or title names the session or the questionnaire${found.length ? `: ${found.join('; ')}` : ''}`);
  await context.close();
}
