// DOMAIN.md section 10 case 9, misuse alerts: a practitioner searches her own
// family name (Sam Walker, a social worker, searches "Walker"); the ContactPoint Manager sees the
// alert and records a finding, and it leaves the list.
export default async function (h) {
  const { page, check } = h
  await h.signIn('leeds.sw')
  await h.searchFor({ family: 'Walker', given: 'Ann' })
  await h.signOut()

  await h.signIn('leeds.cpm')
  await h.follow('Misuse alerts')
  const alerts = await page.textContent('main')
  check(alerts.includes('Searched for their own family name') && alerts.includes('Sam Walker'),
    'the manager sees the alert about Sam Walker')
  await h.audit('misuse-alerts')
  const card = page.locator('.govuk-summary-card', { hasText: 'Searched for their own family name' })
  await card.locator('input[value="no_concern"]').check()
  await h.submit('Record finding', card)
  check(await page.isVisible('text=Your finding is recorded'), 'the finding is recorded')
  check(!(await page.textContent('main')).includes('Searched for their own family name'),
    'a reviewed alert leaves the list')
  await h.audit('misuse-alert-reviewed')
  await h.signOut()
}
