// DOMAIN.md section 10, "a new user can sign in and find a child": the User
// Manager creates a practitioner (temporary password and PIN shown once),
// nominates them, records their training and eCRB check and enrols their
// security token (QR code and secret shown once). The new user signs in
// with those, is sent to change the temporary secrets before anything
// else, changes them, then searches and opens a record.
export default async function (h) {
  const { page, base, check } = h
  // Dates in the past, as the date inputs take them.
  const daysAgo = (n) => {
    const d = new Date(Date.now() - n * 86400000)
    return { day: String(d.getUTCDate()), month: String(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()) }
  }
  const fillDate = async (prefix, date) => {
    await page.fill(`#${prefix}_day`, date.day)
    await page.fill(`#${prefix}_month`, date.month)
    await page.fill(`#${prefix}_year`, date.year)
  }

  await h.signIn('leeds.um')
  await h.follow('Users')
  await h.follow('Create a user')
  await h.audit('user-new')
  await h.submit('Create user')
  check(await page.isVisible('.govuk-error-summary'), 'an empty form is refused, saying what to fill in')
  await h.audit('user-new-errors')
  await page.fill('#display_name', 'Nia Hart')
  await page.fill('#username', 'leeds.nh')
  await page.selectOption('#role', 'social_worker')
  await h.submit('Create user')
  const password = (await page.textContent('#temporary-password')).trim()
  const pin = (await page.textContent('#temporary-pin')).trim()
  check(password.length >= 12 && /^\d{6,8}$/.test(pin), 'the temporary password and PIN are shown')
  await h.audit('user-created')
  await h.submit('Continue to Nia Hart')
  check(!(await page.textContent('main')).includes(password), 'the password is not shown again')
  await h.submit('Nominate')
  await fillDate('training', daysAgo(7))
  await h.submit('Record training date')
  await fillDate('ecrb', daysAgo(60))
  await h.submit('Record eCRB disclosure date')
  check((await page.locator('#reasons li').allTextContents()).join() === 'No security token is enrolled: enrol a token',
    'only the token is missing before she can sign in')
  await h.submit('Enrol a security token')
  check(await page.isVisible('#token-qr svg'), 'the QR code is shown')
  const box = await page.locator('#token-qr svg').boundingBox()
  check(box && box.width >= 200, `the QR code is drawn at a scannable size: ${JSON.stringify(box)}`)
  const secret = (await page.textContent('#token-secret')).trim()
  check(/^[A-Z2-7]{16,}=*$/.test(secret), 'the token secret is shown for manual entry')
  await h.audit('user-token')
  await h.submit('Done: back to Nia Hart')
  check((await page.textContent('#user-summary')).includes('Enrolled'), 'the token is enrolled')
  await h.audit('user-ready')
  await h.signOut()

  await page.goto(`${base}/sign-in`)
  await page.fill('#username', 'leeds.nh')
  await page.fill('#password', password)
  await page.fill('#pin', pin)
  await page.fill('#code', h.code(secret))
  await h.submit('Sign in')
  check(page.url().endsWith('/account/secrets'), `a new user is sent to change the temporary secrets: ${page.url()}`)
  await h.audit('account-secrets')
  await page.goto(`${base}/search`)
  check(page.url().endsWith('/account/secrets'), 'nothing else is open before the secrets are changed')
  const chosen = 'amber kestrel orchard 42'
  await page.fill('#current_password', password)
  await page.fill('#new_password', chosen)
  await page.fill('#confirm_password', `${chosen}!`)
  await page.fill('#new_pin', '111111')
  await page.fill('#confirm_pin', '111111')
  await h.submit('Change password and PIN')
  const errors = await page.textContent('.govuk-error-summary')
  check(errors.includes('do not match'), 'mismatched passwords are refused')
  await h.audit('account-secrets-errors')
  await page.fill('#current_password', password)
  await page.fill('#new_password', chosen)
  await page.fill('#confirm_password', chosen)
  await page.fill('#new_pin', '111111')
  await page.fill('#confirm_pin', '111111')
  await h.submit('Change password and PIN')
  check((await page.textContent('.govuk-error-summary')).includes('PIN must not be one digit repeated'),
    'a weak PIN is refused with the rule')
  await page.fill('#current_password', password)
  await page.fill('#new_password', chosen)
  await page.fill('#confirm_password', chosen)
  await page.fill('#new_pin', '58203917')
  await page.fill('#confirm_pin', '58203917')
  await h.submit('Change password and PIN')
  check(await page.isVisible('text=Your password and PIN are changed'), 'the secrets are changed')
  await h.audit('account-secrets-changed')

  const social = h.firstUpsert('la-social-care.jsonl')
  await h.searchFor({ family: social.child.family_name, given: social.child.given_names, dob: social.child.date_of_birth })
  check(await page.isVisible('table.govuk-table'), 'the new user finds the child')
  await h.openRecord('child_protection')
  check(await page.isVisible('text=Who is working with this child'), 'the new user opens the record')
  await h.signOut()
}
