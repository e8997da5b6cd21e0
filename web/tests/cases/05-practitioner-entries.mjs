// DOMAIN.md section 10 case 5: a practitioner records their own involvement,
// marks themselves lead professional and records that a CAF exists; each
// change shows at once on the record, with how to reach them.
export default async function (h) {
  const { page, check } = h
  const child = h.firstUpsert('health-visiting.jsonl').child
  await h.signIn('leeds.hv')
  await h.searchFor({ family: child.family_name, given: child.given_names.split(' ')[0], dob: child.date_of_birth })
  await h.openRecord('service_delivery')
  check(await page.isVisible('#record-involvement'), 'a practitioner is offered to record their involvement')

  // Nothing chosen: refused, saying what to fix, and nothing recorded.
  await h.submit('Record my involvement')
  check(await page.isVisible('.govuk-error-summary'), 'an involvement with no service is refused')
  await h.audit('involvement-refused')

  await page.selectOption('#service_type', 'health_visitor')
  await page.fill('#phone', '0113 496 0123')
  await page.fill('#email', 'hana.vale@leeds.example')
  await h.submit('Record my involvement')
  check(await page.isVisible('text=Your involvement is recorded'), 'the involvement is recorded')
  const mine = page.locator('.govuk-summary-card', { hasText: 'Your entry' })
  check((await mine.textContent()).includes('0113 496 0123'), 'the record shows how to reach the practitioner')
  await h.audit('involvement-recorded')

  await h.submit('Mark me as lead professional', mine)
  check(await page.isVisible('text=You are now the lead professional'), 'the practitioner is lead professional')
  check((await page.locator('.govuk-summary-card', { hasText: 'Your entry' }).textContent()).includes('Lead professional'),
    'their entry is marked lead professional')

  const entry = page.locator('.govuk-summary-card', { hasText: 'Your entry' })
  await entry.locator('summary:has-text("Record that a Common Assessment")').click()
  await entry.locator('input[name="caf_email"]').fill('caf.holder@leeds.example')
  await h.submit('Record the CAF', entry)
  check(await page.isVisible('text=The Common Assessment is recorded'), 'the CAF is recorded')
  const main = await page.textContent('main')
  check(main.includes('caf.holder@leeds.example'), "the record shows the CAF holder's email")
  check(main.includes('A Common Assessment exists'), 'the record says a Common Assessment exists')
  await h.audit('caf-recorded')
  await h.signOut()
}
