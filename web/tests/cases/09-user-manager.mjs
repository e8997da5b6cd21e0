// DOMAIN.md section 10 case 9, second half: the User Manager finds the
// practitioner whose eCRB check lapsed (Eli Wren, a demo user who cannot sign
// in) and suspends them; a date that is not real is refused. Then the
// ContactPoint Manager's audit queries. Who viewed a child is only for the
// ContactPoint Manager of the child's own authority: the child opened in
// case 1 (found again by searching) lives in another authority, so Leeds'
// manager is refused; a Leeds child the health visitor opens here shows her
// view. And what the health visitor did.
export default async function (h) {
  const { page, check } = h
  await h.signIn('leeds.um')
  await h.follow('Users')
  const row = page.locator('#users tr', { hasText: 'leeds.ewo' })
  check((await row.textContent()).includes('Cannot sign in: eCRB check lapsed'),
    'the user list says Eli Wren cannot sign in: eCRB check lapsed')
  check((await page.locator('#users tr', { hasText: 'leeds.hv' }).textContent()).includes('Yes'),
    'the user list says the health visitor can sign in')
  await h.audit('users')
  await h.submit('Manage', row)
  check((await page.textContent('h1')).includes('Eli Wren'), 'the user page is Eli Wren\'s')
  check((await page.textContent('#reasons')).includes('eCRB disclosure expired on'),
    'the user page says when the eCRB disclosure expired and what to do')
  await h.audit('user-lapsed')
  await h.submit('Suspend account')
  check((await page.textContent('#notice')).includes('The account is suspended'),
    'suspending says so in a banner')
  await h.audit('user-suspended')
  await page.fill('#ecrb_day', '31')
  await page.fill('#ecrb_month', '2')
  await page.fill('#ecrb_year', '2026')
  await h.submit('Record eCRB disclosure date')
  check(await page.isVisible('.govuk-error-summary'), 'a date that is not real is refused')
  check((await page.textContent('.govuk-error-summary')).includes('must be a real date'),
    'the error says what to fix')
  await h.audit('user-bad-date')
  await h.follow('Back to users')
  check((await page.locator('#users tr', { hasText: 'leeds.ewo' }).textContent()).includes('Suspended'),
    'the list shows Eli Wren suspended')
  await h.signOut()

  const leeds = h.feed('gro-births.jsonl').find((r) => r.op === 'upsert' &&
    r.child.address && r.child.address.postcode.startsWith('LS'))
  const find = async (child) => {
    await h.searchFor({ family: child.family_name, given: child.given_names, dob: child.date_of_birth })
    const found = await page.locator('input[name="contactpoint_id"][type="hidden"]').first().inputValue()
    check(/^\d{12}$/.test(found), `the search finds the child's ContactPoint ID: ${found}`)
    return found
  }
  await h.signIn('leeds.hv')
  await find(leeds.child)
  await h.openRecord('child_protection')
  check(await page.isVisible('text=Who is working with this child'), 'the health visitor opens the Leeds child')
  await h.signOut()

  await h.signIn('leeds.cpm')
  const elsewhere = await find(h.firstUpsert('la-social-care.jsonl').child)
  const id = await find(leeds.child)
  await h.follow('Audit')
  await h.audit('audit')
  await page.fill('#contactpoint_id', '123')
  await h.submit('Show who viewed this child')
  check(await page.isVisible('.govuk-error-summary'), 'a malformed ContactPoint ID is refused')
  await h.audit('audit-bad-id')
  await page.fill('#contactpoint_id', elsewhere)
  await h.submit('Show who viewed this child')
  check((await page.textContent('main')).includes("Only the record's accountable local authority"),
    'who viewed a child of another authority is refused, saying why')
  await h.audit('who-viewed-refused')
  await h.follow('Audit')
  await page.fill('#contactpoint_id', id)
  await h.submit('Show who viewed this child')
  const viewed = await page.textContent('main')
  check(viewed.includes('Hana Vale (leeds.hv)') && viewed.includes('Health visitor') &&
    viewed.includes('Allowed') && viewed.includes('A child protection enquiry'),
  'who viewed the Leeds child names the health visitor, allowed, with her reason')
  await h.audit('who-viewed')
  await h.follow('Another audit query')
  const hv = await page.locator('#user_id option', { hasText: '(leeds.hv)' }).getAttribute('value')
  await page.selectOption('#user_id', hv)
  await h.submit('Show what this user did')
  const did = await page.textContent('main')
  check(did.includes('What Hana Vale (leeds.hv) did') && did.includes('View record') &&
    did.includes('Search') && did.includes(id),
  'what the health visitor did lists her search and the record she opened')
  await h.audit('user-activity')
  await h.signOut()
}
