// DOMAIN.md section 10 case 6: a family fleeing domestic violence. A social
// worker shields a Leeds child's record: it is hidden at once (no address,
// no services for practitioners); the authority's ContactPoint Manager finds
// it among the shield reviews due within 7 days, opens it (seeing it whole)
// and keeps the shield.
export default async function (h) {
  const { page, check } = h
  const adult = new Date()
  adult.setUTCFullYear(adult.getUTCFullYear() - 18)
  const leeds = h.feed('gro-births.jsonl').filter((r) => r.op === 'upsert' &&
    r.child.address && r.child.address.postcode.startsWith('LS') && new Date(r.child.date_of_birth) > adult)
  // Not the first: another case opens that one.
  const child = leeds[leeds.length - 1].child
  check(leeds.length > 1, 'the synthetic population has two Leeds children')

  await h.signIn('leeds.sw')
  await h.searchFor({ family: child.family_name, given: child.given_names.split(' ')[0], dob: child.date_of_birth })
  await h.openRecord('child_protection')
  check((await page.textContent('main')).includes(child.address.postcode), 'before the shield the address shows')
  const id = await page.locator('form[action="/record/shield"] input[name="contactpoint_id"]').inputValue()
  await page.check('input[value="risk_of_harm"]')
  await h.submit('Shield this record')
  check(await page.isVisible('text=This record is now shielded'), 'the record is shielded at once')
  check(!(await page.textContent('main')).includes(child.address.postcode), 'a shielded record hides the address from the practitioner')
  await h.audit('shielded')
  await h.signOut()

  await h.signIn('leeds.cpm')
  await h.follow('Shield reviews')
  const card = page.locator('.govuk-summary-card', { hasText: id })
  check(await card.count() === 1, `the shield on ${id} is due for review`)
  check((await card.textContent()).includes('increased risk of significant harm'), 'the review names the ground')
  await h.audit('shield-reviews')
  await Promise.all([page.waitForNavigation(), card.locator('button:has-text("Open record")').click()])
  await page.check('input[value="child_protection"]')
  await h.submit('Open the record')
  check((await page.textContent('main')).includes(child.address.postcode), "the authority's manager sees the shielded record whole")
  await h.audit('shielded-record-manager')
  await h.follow('Shield reviews')
  const again = page.locator('.govuk-summary-card', { hasText: id })
  await again.locator('input[value="keep"]').check()
  await h.submit('Record decision', again)
  check(await page.isVisible('text=The shield stays in force'), 'the decision to keep the shield is recorded')
  await h.audit('shield-kept')
  await h.signOut()
}
