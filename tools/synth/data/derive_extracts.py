#!/usr/bin/env python3
"""Derives the run-time extracts of tools/synth/data/ from the open-data originals.

Usage: derive_extracts.py SHARED_DATA_DIR OUT_DIR
  SHARED_DATA_DIR  the folder holding ons_baby_names/, postcode_districts/,
                   nhs_gp_practices/ and uk_surnames/ (see each SOURCE.txt)
  OUT_DIR          usually tools/synth/data

Standard library only; the output is deterministic (sorted, fixed float format), so
re-running on the same originals reproduces the committed files byte for byte.
Small files are copied unchanged; large ones are cut down as documented in
tools/synth/data/SOURCE.txt.
"""
import csv
import os
import shutil
import sys

FIRST_NAME_YEAR = 2004   # covers children aged 0-18 for an as-of date up to 2025+
PARENT_NAME_YEAR = 1996  # the oldest ONS list: parents' names are drawn from it
MIN_NAME_COUNT = 20      # ONS counts below this are dropped (the list keeps ~90% of births)


def names(src, out):
    rows = []
    births = {}
    with open(os.path.join(src, 'ons_baby_names', 'ons_babynames_ew_1996_2024.csv'), newline='') as f:
        for r in csv.DictReader(f):
            year, count = int(r['year']), int(r['count'])
            births[year] = births.get(year, 0) + count
            if (year >= FIRST_NAME_YEAR or year == PARENT_NAME_YEAR) and count >= MIN_NAME_COUNT:
                rows.append((year, r['sex'], r['name'].strip().upper(), count))
    rows.sort(key=lambda t: (t[0], t[1], -t[3], t[2]))
    with open(os.path.join(out, 'first_names.csv'), 'w', newline='') as f:
        f.write('year,sex,name,count\n')
        for t in rows:
            f.write('%d,%s,%s,%d\n' % t)
    with open(os.path.join(out, 'births_by_year.csv'), 'w', newline='') as f:
        f.write('year,registrations_listed\n')
        for y in sorted(births):
            f.write('%d,%d\n' % (y, births[y]))


def sectors(src, out):
    rows = []
    with open(os.path.join(src, 'postcode_districts', 'england_postcode_sector_to_la.csv'), newline='') as f:
        for r in csv.DictReader(f):
            weight = round(int(r['n_postcodes']) * float(r['share_of_postcodes']))
            if weight < 1:
                continue
            rows.append((r['postcode_sector'], weight, r['lad_gss_code'], r['lad_name'],
                         r['utla_gss_code'], r['utla_name']))
    rows.sort()
    with open(os.path.join(out, 'postcode_sectors.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['sector', 'weight', 'lad_code', 'lad_name', 'utla_code', 'utla_name'])
        w.writerows(rows)


def practices(src, out):
    rows = []
    with open(os.path.join(src, 'nhs_gp_practices', 'epraccur.csv'), newline='') as f:
        for r in csv.reader(f):
            # Active (A) GP practices (prescribing setting 4) in England (region not W00).
            if r[12] != 'A' or r[25] != '4' or r[2] == 'W00' or not r[9].strip():
                continue
            lines = [x.strip() for x in r[4:9] if x.strip()]
            rows.append((r[0], r[1].strip(), lines[0] if lines else '',
                         lines[-1] if len(lines) > 1 else '', r[9].strip(), r[17].strip()))
    rows.sort()
    with open(os.path.join(out, 'gp_practices.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['ods_code', 'name', 'line1', 'town', 'postcode', 'phone'])
        w.writerows(rows)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    names(src, out)
    sectors(src, out)
    practices(src, out)
    for name in ('lastname_uk.csv', 'firstname_uk_variant.csv', 'lastname_uk_variant.csv'):
        shutil.copyfile(os.path.join(src, 'uk_surnames', name), os.path.join(out, name))


if __name__ == '__main__':
    main()
