// What every browser-test case is walked with: the browser page, sign-in
// with the demo users' secrets, form submission, and the per-page checks
// (axe-core WCAG 2.2 A/AA, a screenshot). Each case (cases/*.mjs) exports
// `default async function (h)` and uses only this.
//
// Environment: CP_URL (the server), CP_CREDENTIALS (the demo users' secrets),
// CP_SYNTH (the synthetic feed files the store was loaded from),
// CP_ARTEFACTS (where screenshots and axe reports go).
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'

const require = createRequire(import.meta.url)
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export function makeHarness (browserContext, page) {
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

  // Every line of a synthetic feed file, parsed.
  const feed = (file) => fs.readFileSync(path.join(process.env.CP_SYNTH, file), 'utf8')
    .split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line))
  // The first record a feed file supplies.
  const firstUpsert = (file) => {
    const record = feed(file).find((r) => r.op === 'upsert')
    if (!record) throw new Error(`no record in ${file}`)
    return record
  }

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

  // Clicks a button (by its text, within `scope` if given) that submits a
  // form and waits for the next page.
  async function submit (label, scope = page) {
    await Promise.all([page.waitForNavigation(), scope.locator(`button:has-text("${label}")`).first().click()])
    await page.waitForLoadState('load')
  }

  // Follows a link (by its text) and waits for the page.
  async function follow (text) {
    await Promise.all([page.waitForNavigation(), page.locator(`a:has-text("${text}")`).first().click()])
    await page.waitForLoadState('load')
  }

  // A token code is accepted once: signing the same user in again within
  // its 30-second step waits for the next code.
  const lastCode = {}
  async function freshCode (username) {
    for (;;) {
      const now = code(users[username].secret)
      if (now !== lastCode[username]) { lastCode[username] = now; return now }
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }

  async function signIn (username, landing = '/search') {
    const user = users[username]
    await page.goto(`${base}/`)
    check(page.url().endsWith('/sign-in'), `/ should lead to the sign-in page, not ${page.url()}`)
    await page.fill('#username', username)
    await page.fill('#password', user.password)
    await page.fill('#pin', user.pin)
    await page.fill('#code', await freshCode(username))
    await submit('Sign in')
    check(page.url().endsWith(landing), `signing in ${username} leads to ${landing}, not ${page.url()}`)
  }

  async function signOut () {
    await submit('Sign out')
    check(page.url().endsWith('/sign-in?signed_out=1'), `signing out leads to sign in: ${page.url()}`)
  }

  // Searches by name and date of birth ("YYYY-MM-DD") from the search page.
  async function searchFor ({ given, family, dob, postcode }) {
    await page.goto(`${base}/search`)
    if (given !== undefined) await page.fill('#given_names', given)
    if (family !== undefined) await page.fill('#family_name', family)
    if (dob) {
      const [year, month, day] = dob.split('-')
      await page.fill('#dob_day', String(Number(day)))
      await page.fill('#dob_month', String(Number(month)))
      await page.fill('#dob_year', year)
    }
    if (postcode !== undefined) await page.fill('#postcode', postcode)
    await submit('Search')
  }

  // From a results page: opens the first (or the given) result with a reason.
  async function openRecord (reason = 'emergency_care', row = 0) {
    await Promise.all([page.waitForNavigation(),
      page.locator('button:has-text("Open record")').nth(row).click()])
    await page.check(`input[value="${reason}"]`)
    await submit('Open the record')
  }

  return {
    page, context: browserContext, base, users, code, feed, firstUpsert, failures, fail, check,
    audit, submit, follow, signIn, signOut, searchFor, openRecord
  }
}
