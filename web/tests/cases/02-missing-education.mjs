// DOMAIN.md section 10 case 2: a child missing education. A practitioner
// opens the record of a school-age child whom no school census supplies and
// sees "No current education setting recorded"; the local authority's
// ContactPoint Manager lists the school-age children of the authority with
// none, checked against the synthetic truth (people.csv) and the crafted
// Leeds records of web/tests/data.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const leedsCode = 'E08000035'

// people.csv rows as objects (quoted fields may hold commas).
function people (file) {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n')
  const split = (line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((f) => f.replace(/,$/, '').replace(/^"|"$/g, ''))
  const names = split(header)
  return lines.map((line) => Object.fromEntries(split(line).map((v, i) => [names[i], v])))
}

function ageOn (dob, today) {
  const [y, m, d] = dob.split('-').map(Number)
  let age = today.getUTCFullYear() - y
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age -= 1
  return age
}

export default async function (h) {
  const { page, check } = h
  const today = new Date()
  const rows = people(path.join(process.env.CP_SYNTH, 'people.csv'))
  const schoolAge = (r) => { const a = ageOn(r.date_of_birth, today); return a >= 5 && a <= 15 }
  const missing = rows.find((r) => r.education === 'missing_education' && schoolAge(r) && !r.date_of_death)
  check(missing, 'the synthetic population has a school-age child missing education')

  await h.signIn('leeds.hv')
  await h.searchFor({ family: missing.family_name, given: missing.given_names, dob: missing.date_of_birth })
  await h.openRecord('missing_education')
  check((await page.textContent('#education')).includes('No current education setting recorded'),
    `the record of ${missing.person_id} shows no current education setting`)
  await h.audit('record-no-education')
  await h.signOut()

  // The report: every Leeds child of school age with no school, and only them.
  await h.signIn('leeds.cpm')
  await h.follow('Missing education')
  await h.audit('missing-education')
  const listed = await page.$$eval('#missing-education tbody tr',
    (trs) => trs.map((tr) => tr.querySelector('td').textContent.trim()))
  const here = path.dirname(fileURLToPath(import.meta.url))
  const crafted = new Set()
  for (const file of fs.readdirSync(path.join(here, '..', 'data'))) {
    for (const line of fs.readFileSync(path.join(here, '..', 'data', file), 'utf8').split('\n')) {
      if (!line.includes('"op":"upsert"')) continue
      const c = JSON.parse(line).child
      if (c.address.postcode.startsWith('LS') && ageOn(c.date_of_birth, today) >= 5 && ageOn(c.date_of_birth, today) <= 15) {
        crafted.add(`${c.given_names} ${c.family_name}`)
      }
    }
  }
  const leeds = rows.filter((r) => r.la_code === leedsCode && schoolAge(r) && !r.date_of_death)
  for (const r of leeds.filter((r) => ['missing_education', 'home_educated'].includes(r.education))) {
    check(listed.includes(`${r.given_names} ${r.family_name}`), `the report lists ${r.person_id} (${r.education})`)
  }
  const allowed = new Set([...crafted,
    ...leeds.filter((r) => r.education !== 'state_school').map((r) => `${r.given_names} ${r.family_name}`)])
  for (const name of listed) check(allowed.has(name), `the report lists only Leeds school-age children with no school: ${name}`)
  check(listed.length > 0, 'the report lists the crafted Leeds children who have no school')
  await h.signOut()
}
