// The browser tests (issue 9): DOMAIN.md section 10 journeys (case 1, and
// case 9's misuse alerts) walked in
// Debian's Chromium with playwright-core against a server started by
// run-browser-tests.sh, every page checked with axe-core (WCAG 2.2 A and AA)
// and photographed. Exits non-zero, listing what failed, when anything does.
//
// Environment: CP_URL (the server), CP_CREDENTIALS (the demo users' secrets),
// CP_SYNTH (the synthetic feed files the store was loaded from),
// CP_ARTEFACTS (where screenshots and axe reports go).
import { chromium } from 'playwright-core'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'

const require = createRequire(import.meta.url)
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const base = process.env.CP_URL
const artefacts = process.env.CP_ARTEFACTS
const failures = []
const fail = (message) => { failures.push(message); console.error(`FAIL: ${message}`) }
const check = (ok, message) => { if (!ok) fail(message) }

// USERNAME ROLE PASSWORD PIN TOKEN, one user a line after the header.
const users = {}
for (const line of fs.readFileSync(process.env.CP_CREDENTIALS, 'utf8').split('\n').slice(1)) {
  const [username, role, password, pin, secret] = line.trim().split(/\s+/)
  if (username) users[username] = { role, password, pin, secret }
}
const code = (secret) => execFileSync('oathtool', ['--totp', '-b', secret]).toString().trim()

// A child a social worker is working with, as its social care record names it.
const firstUpsert = (file) => {
  for (const line of fs.readFileSync(path.join(process.env.CP_SYNTH, file), 'utf8').split('\n')) {
    if (line.includes('"op":"upsert"')) return JSON.parse(line)
  }
  throw new Error(`no record in ${file}`)
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync']
})
const context = await browser.newContext()
const page = await context.newPage()
const cspViolations = []
page.on('console', (message) => {
  if (/Content Security Policy|Refused to/.test(message.text())) cspViolations.push(message.text())
})

let shot = 0
// Checks the page with axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA),
// keeps a screenshot and the report.
async function audit (name) {
  await page.waitForLoadState('load')
  await page.evaluate(() => document.fonts.ready)
  shot += 1
  const file = `${String(shot).padStart(2, '0')}-${name}`
  await page.screenshot({ path: path.join(artefacts, `${file}.png`), fullPage: true })
  await page.evaluate(axeSource)
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] }
  }))
  fs.writeFileSync(path.join(artefacts, `${file}.axe.json`), JSON.stringify(result.violations, null, 2))
  for (const v of result.violations) {
    fail(`${name}: axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`)
  }
  console.log(`page ${name}: ${result.passes.length} axe rules pass, ${result.violations.length} violations`)
}

// Clicks a button that submits a form and waits for the next page.
async function submit (label) {
  await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${label}")`)])
  await page.waitForLoadState('load')
}

async function signIn (username) {
  const user = users[username]
  await page.goto(`${base}/`)
  check(page.url().endsWith('/sign-in'), `/ should lead to the sign-in page, not ${page.url()}`)
  await page.fill('#username', username)
  await page.fill('#password', user.password)
  await page.fill('#pin', user.pin)
  await page.fill('#code', code(user.secret))
  await submit('Sign in')
  check(page.url().endsWith('/search'), `signing in leads to the search page, not ${page.url()}`)
}

async function signOut () {
  await submit('Sign out')
  check(page.url().endsWith('/sign-in?signed_out=1'), `signing out leads to sign in: ${page.url()}`)
}

try {
  // Signing in: the form, a failure, then success.
  await page.goto(`${base}/sign-in`)
  await audit('sign-in')
  await page.fill('#username', 'leeds.hv')
  await page.fill('#password', 'not the password')
  await page.fill('#pin', '0000')
  await page.fill('#code', '000000')
  await submit('Sign in')
  check(await page.isVisible('.govuk-error-summary'), 'a failed sign-in shows an error summary')
  await audit('sign-in-failed')

  // Case 1: an A&E practitioner (a health visitor here) finds the child by
  // the name and date of birth the child gives (the address given is false,
  // so not searched), and reaches the social worker.
  await signIn('leeds.hv')
  const cookies = await context.cookies()
  const session = cookies.find((c) => c.name === 'cp_session')
  check(session && session.httpOnly && session.secure && session.sameSite === 'Strict',
    `the session cookie is HttpOnly, Secure and SameSite=Strict: ${JSON.stringify(session)}`)
  await audit('search')
  const social = firstUpsert('la-social-care.jsonl')
  const [year, month, day] = social.child.date_of_birth.split('-')
  await page.fill('#family_name', social.child.family_name)
  await page.fill('#given_names', social.child.given_names)
  await page.fill('#dob_day', String(Number(day)))
  await page.fill('#dob_month', String(Number(month)))
  await page.fill('#dob_year', year)
  await submit('Search')
  check(page.url().endsWith('/search'), `a search posts to /search, no criteria in the URL: ${page.url()}`)
  check(await page.isVisible('table.govuk-table'), 'the search lists the child')
  await audit('search-results')
  await submit('Open record')
  check(await page.isVisible('text=Why are you opening this record?'), 'opening a record asks why')
  await audit('reason')
  await submit('Open the record')
  check(await page.isVisible('.govuk-error-summary'), 'a record is not opened without a reason')
  await audit('reason-missing')
  await page.check('input[value="emergency_care"]')
  await submit('Open the record')
  check(await page.isVisible('text=Who is working with this child'), 'the record is shown')
  const body = await page.textContent('main')
  const phone = social.services[0].practitioner.phone
  check(body.includes(phone), `the record shows the social worker's phone ${phone}`)
  await audit('record')

  // No match, and the minimum criteria refused.
  await page.goto(`${base}/search`)
  await page.fill('#family_name', 'Zzyzxqq')
  await page.fill('#given_names', 'Qwerty')
  await submit('Search')
  check(await page.isVisible('#no-match'), 'a search that finds no one says so')
  await audit('no-match')
  await page.fill('#given_names', '')
  await submit('Search')
  check(await page.isVisible('.govuk-error-summary'), 'a family name alone is refused, saying what to add')
  await audit('search-insufficient')

  // Case 9, part: a practitioner searches their own family name (Hana Vale
  // searches "Vale"); the ContactPoint Manager sees the alert and records a
  // finding.
  await page.goto(`${base}/search`)
  await page.fill('#family_name', 'Vale')
  await page.fill('#given_names', 'Ann')
  await submit('Search')

  await signOut()
  check(await page.isVisible('text=You have signed out'), 'signing out says so')
  await page.goto(`${base}/search`)
  check(page.url().includes('/sign-in'), 'after signing out the search page asks to sign in')

  await signIn('leeds.cpm')
  await page.click('a:has-text("Misuse alerts")')
  await page.waitForLoadState('load')
  const alerts = await page.textContent('main')
  check(alerts.includes('Searched for their own family name') && alerts.includes('Hana Vale'),
    'the manager sees the alert about Hana Vale')
  await audit('misuse-alerts')
  await page.locator('.govuk-summary-card', { hasText: 'Searched for their own family name' })
    .locator('input[value="no_concern"]').check()
  await Promise.all([page.waitForNavigation(),
    page.locator('.govuk-summary-card', { hasText: 'Searched for their own family name' })
      .locator('button:has-text("Record finding")').click()])
  await page.waitForLoadState('load')
  check(await page.isVisible('text=Your finding is recorded'), 'the finding is recorded')
  check(!(await page.textContent('main')).includes('Searched for their own family name'),
    'a reviewed alert leaves the list')
  await audit('misuse-alert-reviewed')
  await signOut()
  check(cspViolations.length === 0, `no Content-Security-Policy violation: ${cspViolations.join(' | ')}`)
} catch (error) {
  fail(`the journey stopped: ${error.stack || error}`)
  await page.screenshot({ path: path.join(artefacts, 'failure.png'), fullPage: true }).catch(() => {})
} finally {
  await browser.close()
}

if (failures.length > 0) {
  console.error(`${failures.length} browser check(s) failed; screenshots in ${artefacts}`)
  process.exit(1)
}
console.log(`browser tests passed; screenshots and axe reports in ${artefacts}`)
