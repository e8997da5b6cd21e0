// Writes one feed batch for DOMAIN.md section 10 case 3 (aliases): a local
// source in another area reports a synthetic child under another family
// name and address, with the same NHS number and date of birth, as a mother
// using a different name for her child would. The child is the first one the
// NHS supplies who was neither adopted nor has died (truth: people.csv).
// Usage: node make-alias-batch.mjs SYNTH_DIR OUT_FILE SOURCE
import fs from 'node:fs'
import path from 'node:path'

const [synth, out, source] = process.argv.slice(2)
const lines = (file) => fs.readFileSync(path.join(synth, file), 'utf8').trim().split('\n')
const [header, ...rows] = lines('people.csv')
const split = (line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((f) => f.replace(/,$/, '').replace(/^"|"$/g, ''))
const names = split(header)
const people = rows.map((line) => Object.fromEntries(split(line).map((v, i) => [names[i], v])))
const byNhs = new Map(people.map((p) => [p.nhs_number, p]))

const record = lines('nhs-pds.jsonl').map((l) => JSON.parse(l)).find((r) => {
  if (r.op !== 'upsert' || !r.child.identifiers.nhs_number) return false
  const p = byNhs.get(r.child.identifiers.nhs_number)
  return p && !p.adopted_on && !p.date_of_death && !p.left_england && r.child.date_of_birth > '2010-01-01'
})
if (!record) throw new Error('no child to give an alias to')
// Another family name of the population, nothing like the child's own.
const alias = people.map((p) => p.family_name)
  .find((f) => f[0] !== record.child.family_name[0] && f.length > 4 && !f.includes(' '))

const batch = [
  { contactpoint_feed: 1, source, batch: 'alias-1', sequence: 1, extracted_at: '2025-03-31T02:00:00Z', mode: 'delta' },
  {
    key: 'ALIAS-1',
    op: 'upsert',
    child: {
      given_names: record.child.given_names,
      family_name: alias,
      other_names: [],
      gender: record.child.gender,
      date_of_birth: record.child.date_of_birth,
      address: { lines: ['3 Station Road', 'Doncaster'], postcode: 'DN1 1AA' },
      identifiers: { nhs_number: record.child.identifiers.nhs_number },
      date_of_death: null
    },
    carers: [],
    services: [],
    events: []
  }
]
fs.writeFileSync(out, batch.map((o) => JSON.stringify(o)).join('\n') + '\n')
console.log(`${record.child.family_name} -> ${alias}`)
