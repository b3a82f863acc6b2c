// Drives the Vidare web page in a real headless Chromium (Debian's
// /usr/bin/chromium) with playwright-core: an interview on the
// seven questions about violence in the version the start page offers
// (2.0.0, the newest), with keyboard answers, "prefer not to
// answer", back, a language switch, the immediate trigger, the result page
// and the quick exit, which must leave no way back to the interview in the
// browser history. Screenshots go to the artifacts folder.
//
//   node interview.mjs http://127.0.0.1:8080 [artifacts-folder]
//
// Prints "ok - ..." per check and closes with "N passed, N failed".

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

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

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});

try {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
  // Nothing leaves this machine: every other site, such as the quick
  // exit's neutral site, is answered here.
  await context.route((url) => !url.href.startsWith(base), (route) => route.fulfill({
    status: 200,
    contentType: 'text/html',
    body: '<!doctype html><title>Weather</title><h1>Weather today</h1>',
  }));
  const page = await context.newPage();
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
  const seven = page.getByLabel(/Seven questions about violence/);
  check(await seven.getAttribute('value') === 'violence-seven@2.0.0', 'the start page offers the newest version');
  await seven.check();
  await page.getByLabel('English', { exact: true }).check();
  await act(() => page.getByRole('button', { name: 'Start' }).click());
  check((await heading()).startsWith('Are you alone, so that nobody else can see or hear'), 'the first question is asked');
  check(page.url().includes('/s/'), 'the interview has its own link');
  check(await page.locator('#quick-exit').isVisible(), 'the quick exit is visible in the interview');

  await page.getByLabel('Yes', { exact: true }).check();
  await act(() => page.getByRole('button', { name: 'Next' }).click());

  // Keyboard only: the first option has focus; Space chooses it, Enter goes on.
  check((await heading()).startsWith('Is an interpreter used'), 'the interpreter question follows');
  await page.keyboard.press('Space');
  await act(() => page.keyboard.press('Enter'));
  check((await heading()).includes('threatened, controlled'), 'answered with the keyboard alone');

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
  check((await page.locator('#done').textContent()).includes('The interview is complete'), 'the interview completes');

  await act(() => page.getByRole('link', { name: 'Show the result' }).click());
  check((await heading()) === 'Result', 'the result page opens');
  const referrals = await page.locator('#referrals').textContent();
  check(referrals.includes('Carry out a risk assessment with the person (FREDA risk assessment'), 'the result lists the immediate referral');
  check(referrals.includes('When did it last happen?'), 'with its evidence');
  check(referrals.includes('kept for the conversation only'), 'without the answers kept for the conversation only');
  await page.screenshot({ path: `${artifacts}/result.png`, fullPage: true });

  // The whole interview took one history entry.
  const entries = await page.evaluate(() => window.history.length);
  check(entries <= 2, `the interview occupies one history entry (history.length = ${entries})`);

  // Quick exit: to the neutral site, and no way back.
  await Promise.all([page.waitForURL((u) => !u.href.startsWith(base)), page.locator('#quick-exit').click()]);
  check((await heading()) === 'Weather today', 'the quick exit shows the neutral site');
  let backToApp = false;
  for (let n = 0; n < 5; n += 1) {
    const response = await page.goBack().catch(() => null);
    if (page.url().startsWith(base)) { backToApp = true; break; }
    if (response === null) { break; }
  }
  check(!backToApp, `the browser history does not lead back to the interview (now at ${page.url()})`);
  await page.screenshot({ path: `${artifacts}/after-quick-exit.png` });

  check(errors.length === 0, `no script errors${errors.length ? `: ${errors.join('; ')}` : ''}`);
} catch (error) {
  failed += 1;
  console.log(`not ok - ${error && error.stack ? error.stack : error}`);
} finally {
  await browser.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
