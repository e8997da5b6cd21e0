// The browser tests (issue 9): DOMAIN.md section 10 journeys, one file each
// in cases/ (run in file-name order, each signing in and out itself), walked
// in Debian's Chromium with playwright-core against a server started by
// run-browser-tests.sh; every page checked with axe-core (WCAG 2.2 A and AA)
// and photographed (harness.mjs). Exits non-zero, listing what failed, when
// anything does. `node browser.mjs NAME...` runs only the cases whose file
// names contain one of the NAMEs.
import { chromium } from 'playwright-core'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { makeHarness } from './harness.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const only = process.argv.slice(2)
const cases = fs.readdirSync(path.join(here, 'cases')).filter((f) => f.endsWith('.mjs')).sort()
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
if (cases.length === 0) {
  console.error(`no browser-test case matches ${only.join(' ')}`)
  process.exit(1)
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
const h = makeHarness(context, page)
const artefacts = process.env.CP_ARTEFACTS

try {
  for (const file of cases) {
    console.log(`case ${file}`)
    try {
      const { default: run } = await import(pathToFileURL(path.join(here, 'cases', file)))
      await run(h)
    } catch (error) {
      h.fail(`${file}: the journey stopped: ${error.stack || error}`)
      await page.screenshot({ path: path.join(artefacts, `failure-${file}.png`), fullPage: true }).catch(() => {})
      // The next case starts signed out.
      await context.clearCookies()
    }
  }
  h.check(cspViolations.length === 0, `no Content-Security-Policy violation: ${cspViolations.join(' | ')}`)
} finally {
  await browser.close()
}

if (h.failures.length > 0) {
  console.error(`${h.failures.length} browser check(s) failed; screenshots in ${artefacts}`)
  process.exit(1)
}
console.log(`browser tests passed (${cases.length} cases); screenshots and axe reports in ${artefacts}`)
