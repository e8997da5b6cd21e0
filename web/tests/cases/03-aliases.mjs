// DOMAIN.md section 10 case 3: a mother used different names for her child
// in different areas. A source of another area (the batch
// make-alias-batch.mjs wrote, loaded through the real pipeline) reports a
// synthetic child under another family name and address; a search by either
// name finds the same ContactPoint ID, and the record lists the other name
// among those the child is also known as.
import fs from 'node:fs'
import path from 'node:path'

export default async function (h) {
  const { page, check } = h
  const alias = JSON.parse(fs.readFileSync(path.join(process.env.CP_EXTRA, 'alias.jsonl'), 'utf8')
    .trim().split('\n')[1]).child
  const own = h.feed('nhs-pds.jsonl').find((r) => r.op === 'upsert' &&
    r.child.identifiers.nhs_number === alias.identifiers.nhs_number).child

  await h.signIn('leeds.hv')
  const found = []
  for (const child of [own, alias]) {
    await h.searchFor({ family: child.family_name, given: child.given_names.split(' ')[0], dob: child.date_of_birth })
    check(await page.isVisible('table.govuk-table'), `a search for ${child.family_name} finds the child`)
    found.push(await page.$$eval('table.govuk-table input[name="contactpoint_id"]', (inputs) => inputs.map((i) => i.value)))
  }
  await h.audit('search-alias')
  const common = found[0].filter((id) => found[1].includes(id))
  check(common.length === 1, `both names find one and the same child (${JSON.stringify(found)})`)
  check(found[1].length === 1, 'the alias finds that child alone')
  await h.openRecord('information_referral', Math.max(found[1].indexOf(common[0]), 0))
  const text = await page.textContent('main')
  check(text.includes(own.family_name) && text.includes(alias.family_name),
    `the record shows both ${own.family_name} and ${alias.family_name}`)
  await h.audit('record-aliases')
  await h.signOut()
}
