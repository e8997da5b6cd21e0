// Signing in (a failure, then success with the cookie's flags) and DOMAIN.md
// section 10 case 1: an A&E practitioner (a health visitor here) finds the
// child by the name and date of birth the child gives (the address given is
// false, so not searched) and reaches the social worker. Then the "no
// match" and "family name alone" states, and signing out.
export default async function (h) {
  const { page, base, check } = h
  await page.goto(`${base}/sign-in`)
  await h.audit('sign-in')
  await page.fill('#username', 'leeds.hv')
  await page.fill('#password', 'not the password')
  await page.fill('#pin', '0000')
  await page.fill('#code', '000000')
  await h.submit('Sign in')
  check(await page.isVisible('.govuk-error-summary'), 'a failed sign-in shows an error summary')
  await h.audit('sign-in-failed')

  await h.signIn('leeds.hv')
  const session = (await h.context.cookies()).find((c) => c.name === 'cp_session')
  check(session && session.httpOnly && session.secure && session.sameSite === 'Strict',
    `the session cookie is HttpOnly, Secure and SameSite=Strict: ${JSON.stringify(session)}`)
  await h.audit('search')
  const social = h.firstUpsert('la-social-care.jsonl')
  await h.searchFor({ family: social.child.family_name, given: social.child.given_names, dob: social.child.date_of_birth })
  check(page.url().endsWith('/search'), `a search posts to /search, no criteria in the URL: ${page.url()}`)
  check(await page.isVisible('table.govuk-table'), 'the search lists the child')
  await h.audit('search-results')
  await h.submit('Open record')
  check(await page.isVisible('text=Why are you opening this record?'), 'opening a record asks why')
  await h.audit('reason')
  await h.submit('Open the record')
  check(await page.isVisible('.govuk-error-summary'), 'a record is not opened without a reason')
  await h.audit('reason-missing')
  await page.check('input[value="emergency_care"]')
  await h.submit('Open the record')
  check(await page.isVisible('text=Who is working with this child'), 'the record is shown')
  const phone = social.services[0].practitioner.phone
  check((await page.textContent('main')).includes(phone), `the record shows the social worker's phone ${phone}`)
  await h.audit('record')

  await h.searchFor({ family: 'Zzyzxqq', given: 'Qwerty' })
  check(await page.isVisible('#no-match'), 'a search that finds no one says so')
  await h.audit('no-match')
  await page.fill('#given_names', '')
  await h.submit('Search')
  check(await page.isVisible('.govuk-error-summary'), 'a family name alone is refused, saying what to add')
  await h.audit('search-insufficient')

  await h.signOut()
  check(await page.isVisible('text=You have signed out'), 'signing out says so')
  await page.goto(`${base}/search`)
  check(page.url().includes('/sign-in'), 'after signing out the search page asks to sign in')
}
