// Drives the Vidare web page in a real headless Chromium (Debian's
// /usr/bin/chromium) with playwright-core: an interview on the
// seven questions about violence in the version the start page offers
// (2.1.0, the newest), with keyboard answers, "prefer not to
// answer", back (which shows the earlier answer chosen), a language
// switch, the immediate trigger, the result page and the quick exit, which
// must leave no way back to the interview in the browser history, no
// session id in any address the browser went through and no questionnaire
// in any title. Interpreter mode (Swedish for the practitioner, Arabic for
// the person) is checked for lang/dir on every text, a mirrored person's
// column, fonts that render Arabic, Persian and Ethiopic (no fallback to
// boxes), side by side at 1280 px and stacked at 375 px, with screenshots
// and axe-core. axe-core checks the start, question, completion and result
// pages at desktop width and at 375 px. A second context with JavaScript
// off completes an interview, deletes it after the confirmation, and
// leaves by the quick exit. Screenshots go to the artifacts folder.
//
//   node interview.mjs http://127.0.0.1:8080 [artifacts-folder] [interpreter-server] [interpreter-spec]
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
// Interpreter mode runs on this server (default: the same) and
// questionnaire, with Arabic for the person and Swedish for the
// practitioner.
const interpreterBase = (process.argv[4] || base).replace(/\/$/, '');
const interpreterSpec = process.argv[5] || 'violence-seven@2.2.0';
// Each script must be drawn by a font that has it: a family of the
// script's own (Debian's fonts-noto-core), never a fallback with boxes.
const scriptFonts = {
  ar: /^Noto (Naskh|Sans|Kufi) Arabic/,
  fa: /^Noto (Naskh|Sans|Kufi) Arabic/,
  ti: /^Noto (Sans|Serif) Ethiopic/,
};
const arabicScript = /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/;
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
async function newContext(options, site = base) {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 }, ...options });
  await context.route((url) => !url.href.startsWith(site), (route) => route.fulfill({
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
  check(await seven.getAttribute('value') === 'violence-seven@2.2.0', 'the start page offers the newest version');
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
  await interpreterMode();
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

// A whole-page screenshot from the top (the quick exit is fixed at the
// top of the window, and would otherwise be drawn where the page was
// scrolled to).
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${artifacts}/${name}`, fullPage: true });
}

// The fonts Chromium used for the text of the first node matching
// `selector`, by family (through the DevTools protocol).
async function fontsOf(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) { return null; }
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.filter((f) => f.glyphCount > 0).map((f) => f.familyName);
  } finally {
    await cdp.detach();
  }
}

async function checkFont(page, selector, code, what) {
  const families = await fontsOf(page, selector);
  const ok = families !== null && families.length > 0 && families.every((f) => scriptFonts[code].test(f));
  check(ok, `fonts: ${what} is drawn in a font of its script (${families === null ? 'no such node' : families.join(', ') || 'none'})`);
}

// Text in the Arabic script must stand in an element whose language is
// the person's and whose direction is right to left; none may be outside.
async function arabicTextOutsideRtl(page, lang) {
  return page.evaluate(([source, code]) => {
    const script = new RegExp(source);
    const bad = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!script.test(node.textContent)) { continue; }
      const element = node.parentElement;
      const langOf = element.closest('[lang]');
      const dirOf = element.closest('[dir]');
      if (!langOf || langOf.getAttribute('lang') !== code || !dirOf || dirOf.getAttribute('dir') !== 'rtl'
          || getComputedStyle(element).direction !== 'rtl') {
        bad.push(node.textContent.trim().slice(0, 30));
      }
    }
    return bad;
  }, [arabicScript.source, lang]);
}

// Whether every `selector` element's text starts at its right edge (a
// right-to-left layout): the text's right end is at the content box's
// right end, its border stripe on the right, and its left side free.
async function mirrored(page, selector) {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].map((el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(el);
    const text = range.getBoundingClientRect();
    const contentRight = box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
    return {
      ok: style.direction === 'rtl'
        && Math.abs(text.right - contentRight) < 3
        && parseFloat(style.borderRightWidth) > 0 && parseFloat(style.borderLeftWidth) === 0,
      what: `${el.textContent.trim().slice(0, 20)}: text ${Math.round(text.left)}..${Math.round(text.right)}, box ${Math.round(box.left)}..${Math.round(box.right)}`,
    };
  }), selector);
}

// The two columns: side by side at 1280 px (the person's to the right of
// the practitioner's), one above the other at 375 px.
async function columns(page) {
  return page.evaluate(() => {
    const own = document.querySelector('.pair .side.own').getBoundingClientRect();
    const person = document.querySelector('.pair .side.person').getBoundingClientRect();
    return { sideBySide: person.left >= own.right - 1 && Math.abs(person.top - own.top) < 2, stacked: person.top >= own.bottom - 1 };
  });
}

// Interpreter mode: the practitioner reads Swedish, the person Arabic.
async function interpreterMode() {
  const { context, page, visited, titles } = await newContext({}, interpreterBase);
  const heading = async () => (await page.locator('h1').first().textContent()).trim();
  const act = async (action) => { await Promise.all([page.waitForEvent('load'), action()]); };
  await page.goto(`${interpreterBase}/?lang=sv`);
  const arabic = page.locator('input[name=person][value=ar]');
  check(await arabic.count() === 1, 'interpreter: the start page offers Arabic for the person');
  const name = page.locator('#person-language span[lang=ar]');
  check(await name.getAttribute('dir') === 'rtl' && (await name.textContent()) === 'العربية',
    'interpreter: the start page names Arabic in Arabic, right to left');
  for (const code of ['ar', 'fa', 'ti']) {
    await checkFont(page, `#person-language span[lang=${code}]`, code, `the name of ${code} on the start page`);
  }
  await page.screenshot({ path: `${artifacts}/interpreter-start.png`, fullPage: true });
  await page.locator(`input[name=questionnaire][value="${interpreterSpec}"]`).check();
  await page.getByLabel('Svenska', { exact: true }).check();
  await arabic.check();
  await act(() => page.getByRole('button', { name: 'Starta' }).click());
  const id = await page.locator('input[name=session]').first().getAttribute('value');
  check(new URL(page.url()).pathname === '/interview' && await page.title() === 'Vidare',
    `interpreter: the interview's address and title are neutral (${page.url()})`);
  check(await page.locator('#interpreter').isVisible(), 'interpreter: the page says it is in interpreter mode');
  check(await page.locator('#draft-note').isVisible(), 'interpreter: the practitioner is told the Arabic texts are a draft');
  check(await page.locator('html').getAttribute('lang') === 'sv', 'interpreter: the page itself is Swedish');

  const person = page.locator('form.item .side.person');
  check(await person.getAttribute('lang') === 'ar' && await person.getAttribute('dir') === 'rtl',
    'interpreter: the person\'s column is lang=ar dir=rtl');
  check((await person.textContent()).match(arabicScript) !== null, 'interpreter: the question is shown in Arabic');
  check(await page.locator('form.item .side.own h1[lang=sv]').count() === 1, 'interpreter: and in Swedish, marked sv');
  const labels = page.locator('label.choice');
  const bilingual = await labels.evaluateAll((ls) => ls.every((l) => l.querySelector('span.own') && l.querySelector('span.person[lang=ar][dir=rtl]')));
  check(await labels.count() > 0 && bilingual, 'interpreter: every option in both languages');
  const outside = await arabicTextOutsideRtl(page, 'ar');
  check(outside.length === 0, `interpreter: every Arabic text is in an element with lang=ar and dir=rtl${outside.length ? `: ${outside.join('; ')}` : ''}`);
  await checkFont(page, 'form.item .side.person .person-text', 'ar', 'the Arabic question');
  await checkFont(page, 'label.choice span.person', 'ar', 'an Arabic option');

  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    const m = await mirrored(page, 'form.item .side.person, label.choice span.person');
    check(m.length > 0 && m.every((x) => x.ok), `interpreter at ${width} px: the person's texts start at the right${m.filter((x) => !x.ok).map((x) => `; ${x.what}`).join('')}`);
    const c = await columns(page);
    check(width === 1280 ? c.sideBySide : c.stacked, `interpreter at ${width} px: the columns are ${width === 1280 ? 'side by side' : 'one above the other'}`);
    await shot(page, `interpreter-question-${width}.png`);
  }
  await axe(page, 'interpreter question');

  // The answers that raise the immediate trigger; it is in Swedish.
  const flows = {
    talk: ['yes'],
    'violence-seven': ['yes', 'agency', 'yes', 'ongoing'],
  };
  for (const value of flows[interpreterSpec.split('@')[0]]) {
    await page.locator(`input[name=value][value="${value}"]`).check();
    await act(() => page.getByRole('button', { name: 'Nästa' }).click());
  }
  const alert = page.locator('#immediate');
  check(await alert.isVisible(), 'interpreter: the immediate trigger shows');
  check(!arabicScript.test(await alert.textContent()), 'interpreter: the trigger is in the practitioner\'s language only');
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await shot(page, `interpreter-trigger-${width}.png`);
  }
  await axe(page, 'interpreter trigger');
  await page.setViewportSize({ width: 1280, height: 900 });

  // The rest: a scale's numbers are isolated in the Arabic labels.
  let scales = 0;
  for (let n = 0; n < 30 && await page.locator('form.item').count() > 0; n += 1) {
    const points = page.locator('.choices.scale label.choice span.person');
    if (await points.count() > 0) {
      scales += 1;
      const isolated = await points.evaluateAll((ps) => ps.every((p) => p.querySelector('bdi') && /^\d+$/.test(p.querySelector('bdi').textContent)));
      check(isolated, 'interpreter: the numbers of a scale stand in <bdi> in the Arabic labels');
      await shot(page, 'interpreter-scale.png');
    }
    const no = page.locator('input[name=value][value=no]');
    const number = page.locator('input#answer[type=number]');
    if (await no.count() > 0) {
      await no.check();
    } else if (await number.count() > 0) {
      await number.fill(String(await number.getAttribute('min') || 1));
    } else {
      await page.locator('form.item input[name=value]').first().check();
    }
    await act(() => page.getByRole('button', { name: 'Nästa' }).click());
  }
  check((await page.locator('h1#done').count()) === 1, 'interpreter: the interview completes');
  await act(() => page.getByRole('link', { name: 'Visa resultatet' }).click());
  check((await heading()) === 'Resultat', 'interpreter: the result page opens');
  check(!arabicScript.test(await page.locator('main').textContent()), 'interpreter: the result is in the practitioner\'s language only');
  await Promise.all([page.waitForURL((u) => !u.href.startsWith(interpreterBase)), page.locator('#quick-exit').click()]);
  await page.goto(`${interpreterBase}/interview?lang=sv`);
  const text = await page.locator('body').textContent();
  check(!arabicScript.test(text) && !text.includes('interpreter'), 'interpreter: after the quick exit, the interview\'s address shows nothing of it');
  const found = leaks(visited, titles, id);
  check(found.length === 0 && visited.every((u) => !u.includes('person=')),
    `interpreter: no address names the session or the person's language${found.length ? `: ${found.join('; ')}` : ''}`);
  check(scales > 0 || interpreterSpec.startsWith('violence-seven'), `interpreter: a scale was asked (${scales})`);
  await context.close();
  await interpreterWithoutJavaScript();
}

// Interpreter mode is chosen and shown by forms alone.
async function interpreterWithoutJavaScript() {
  const { context, page } = await newContext({ javaScriptEnabled: false }, interpreterBase);
  await page.goto(`${interpreterBase}/?lang=sv`);
  await page.locator(`input[name=questionnaire][value="${interpreterSpec}"]`).check();
  await page.locator('input[name=person][value=ar]').check();
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Starta' }).click()]);
  const person = page.locator('form.item .side.person[lang=ar][dir=rtl]');
  check(await person.count() === 1, 'interpreter without JavaScript: the person\'s column in Arabic');
  await page.locator('input[name=value][value=yes]').check();
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Nästa' }).click()]);
  check(await page.locator('form.item .side.person[lang=ar]').count() === 1 && await page.locator('label.choice span.person[lang=ar]').count() > 0,
    'interpreter without JavaScript: the next question in both languages');
  await context.close();
}
