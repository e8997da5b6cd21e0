// DOMAIN.md section 10 case 10: a data administrator resolves uncertain
// matches. run-browser-tests.sh loads two small Leeds batches crafted for this
// (web/tests/data/match-review-*.jsonl): a near-duplicate of a child with the
// family name misspelt and another address, which the matcher sends to review,
// and a child recorded by two sources with different dates of birth, which it
// keeps as two children. The Data Administrator (leeds.da) opens the queue,
// compares the record with its candidate and links it, reads the child's
// explanation, merges the two children and splits the merged one again.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const data = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'data')
// The upserts of one of the crafted batches, with the source named in its header.
function batch (file) {
  const [header, ...records] = fs.readFileSync(path.join(data, file), 'utf8')
    .split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line))
  return records.map((r) => ({ ...r, source: header.source, ref: `${header.source}:${r.key}` }))
}

export default async function (h) {
  const { page, check } = h
  const [first, twinA] = batch('match-review-a.jsonl')
  const [doubtful, twinB] = batch('match-review-b.jsonl')

  // Only the Data Administrator has the queue.
  await h.signIn('leeds.da')
  check(await page.isVisible('a[href="/review"]'), 'the header links to match review for a Data Administrator')
  await h.follow('Match review')
  const queue = page.locator('#review-queue tbody tr', { hasText: doubtful.ref })
  check(await queue.count() === 1, `the queue lists ${doubtful.ref}`)
  check((await queue.textContent()).includes('Likely child'), 'the queue names the likely child')
  await h.audit('review-queue')

  // Side by side, with the matcher's reasons.
  await h.submit('Review', queue)
  check(page.url().endsWith('/review/show'), `the record opens by POST, no reference in the URL: ${page.url()}`)
  const side = await page.textContent('#side-by-side')
  check(side.includes(doubtful.child.family_name) && side.includes(first.child.family_name),
    `the record (${doubtful.child.family_name}) is shown beside its candidate (${first.child.family_name})`)
  check(await page.locator('#comparison tbody tr').count() > 0, 'every field\'s agreement is worded')
  check((await page.textContent('#comparison')).includes('Family name'), 'the family name\'s agreement is shown')
  const heading = await page.textContent('#side-by-side thead th:nth-child(3)')
  const candidate = (heading.match(/\d{12}/) || [])[0]
  check(candidate !== undefined, `the candidate child's ID heads its column: ${heading}`)
  await h.audit('review-show')

  // A decision needs a reason.
  await h.submit('Link to this child')
  check(await page.isVisible('.govuk-error-summary a[href="#link-reason"]'), 'a link without a reason is refused, linked to the field')
  await h.audit('review-link-no-reason')
  await page.check('#link-reason')
  await h.submit('Link to this child')
  const linked = await page.textContent('#notice')
  check(linked.includes(`Record ${doubtful.ref} is linked to child ${candidate}`), `the link is confirmed: ${linked}`)
  check(page.url().endsWith('/review/link'), 'the confirmation is in the response, no ID in the URL')
  check(await page.locator('#review-queue tbody tr', { hasText: doubtful.ref }).count() === 0,
    'the decided record leaves the queue')
  await h.audit('review-linked')

  // The child's explanation: both records, the decision, the provenance.
  await page.fill('#contactpoint_id', candidate)
  await h.submit('Show the child\'s records')
  const records = await page.textContent('#records')
  check(records.includes(first.ref) && records.includes(doubtful.ref), `child ${candidate} holds both records`)
  check(records.includes('Linked by an administrator'), 'the administrator\'s decision is shown')
  check(await page.isVisible('#provenance'), 'the best view says where each field comes from')
  await h.audit('review-child')

  // The same child from two sources, kept as two children: found by search.
  await h.searchFor({ given: twinA.child.given_names, family: twinA.child.family_name })
  const ids = await page.locator('form[action="/record/reason"] input[name="contactpoint_id"]')
    .evaluateAll((inputs) => inputs.map((i) => i.value))
  check(ids.length === 2, `two children named ${twinA.child.given_names} ${twinA.child.family_name}: ${ids}`)
  const [survivor, other] = ids
  await h.follow('Match review')
  await page.fill('#contactpoint_id', survivor)
  await h.submit('Show the child\'s records')
  check(await page.isVisible('#cannot-split'), 'a child of one record cannot be split')

  await page.fill('#other', other)
  await h.submit('Merge into this child')
  check(await page.isVisible('.govuk-error-summary a[href="#merge-reason"]'), 'a merge without a reason is refused')
  await h.audit('review-merge-no-reason')
  await page.check('#merge-reason')
  await h.submit('Merge into this child')
  const merged = await page.textContent('#notice')
  check(merged.includes(`Child ${other} is merged into child ${survivor}`) && merged.includes(`now leads to ${survivor}`),
    `the merge is confirmed with both IDs: ${merged}`)
  const both = await page.textContent('#records')
  check(both.includes(twinA.ref) && both.includes(twinB.ref), `child ${survivor} now holds both records`)
  await h.audit('review-merged')

  // Split the later source's record off again.
  await page.check(`input[name="record"][value="${twinB.ref}"]`)
  await page.check('#split-reason')
  await h.submit('Split into a new child')
  const split = await page.textContent('#notice')
  const created = (split.match(/new child, ContactPoint ID (\d{12})/) || [])[1]
  check(split.includes(`1 record moved from child ${survivor}`) && created !== undefined &&
    created !== survivor && created !== other, `the split is confirmed with a new ID: ${split}`)
  check(!(await page.textContent('#records')).includes(twinB.ref), `${twinB.ref} left child ${survivor}`)
  await h.audit('review-split')
  await h.submit(`Show the new child, ${created}`)
  check((await page.textContent('#records')).includes(twinB.ref), `the new child ${created} holds ${twinB.ref}`)
  await h.audit('review-new-child')
  await h.signOut()

  // Nobody else: a social worker has no link and is refused the queue.
  await h.signIn('leeds.sw')
  check(!(await page.isVisible('a[href="/review"]')), 'no match review link for a social worker')
  const refused = await page.goto(`${h.base}/review`)
  check(refused.status() === 403, `a social worker is refused the queue: ${refused.status()}`)
  await h.audit('review-refused')
  await h.signOut()
}
