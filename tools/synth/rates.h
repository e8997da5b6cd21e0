// The rates that shape Synthetic England, each with its default and the source
// of that default (docs/synthetic-data.md is the reader's version of this file;
// keep the two in step).
//
// Defaults follow a published UK figure where one exists and are marked
// "assumed" where none is published. Tests override some rates (for example a
// higher death rate, so that a few-thousand-child run holds enough deaths to
// measure); the CLI uses the defaults. Plain value types; no behaviour.
#ifndef CP_SYNTH_RATES_H_
#define CP_SYNTH_RATES_H_

#include <array>

namespace cp::synth {

// The sources Synthetic England writes, one batch each.
enum class SourceKind {
  kGroBirths,        // national: General Register Office births (and deaths)
  kDwpChildBenefit,  // national: DWP/HMRC child benefit
  kSchoolCensus,     // national: DCSF school census
  kNhsPds,           // national: NHS Personal Demographics Service + GP registration
  kSocialCare,       // local: LA children's social care
  kYouthOffending,   // local: youth offending team
  kHealthVisiting,   // local: health visiting (community health)
  kCamhs,            // local: CAMHS, a sensitive service recorded with consent
  kVoluntary,        // local: a voluntary organisation
};
inline constexpr int kSourceCount = 9;

// How one source records what it knows: the noise real feeds carry. All
// assumed (no published error rates per feed); national registers are cleaner
// than local case systems.
struct SourceNoise {
  double typo_given = 0;        // a given name with one keying error
  double typo_family = 0;       // a family name with one keying error
  double nickname = 0;          // first name recorded as a short form / variant
  double surname_form = 0;      // hyphenated surname split, joined or halved; or a variant spelling
  double reorder_given = 0;     // given names recorded in another order
  double drop_middle = 0;       // middle names not recorded
  double day_month_swap = 0;    // date of birth with day and month transposed (day <= 12)
  double missing_gender = 0;    // gender recorded as "unknown"
  double missing_address = 0;   // no address at all
  double missing_postcode = 0;  // address lines but no postcode
  double nhs_number = 0;        // NHS number supplied (when the child has one)
  int address_lag_days = 0;     // mean days before a move reaches this source
};

struct Rates {
  // --- Population -----------------------------------------------------------
  // Multiple maternities per maternity: ONS "Births in England and Wales"
  // (2019-2022): about 14-15 multiple maternities per 1,000 maternities.
  double multiple_maternity = 0.0145;
  // Share of multiple maternities that are triplets or more: ONS, ~0.2 per
  // 1,000 maternities of ~14.5 per 1,000 (about 1.5%).
  double triplets_of_multiples = 0.015;
  // Same-sex share of twin pairs: Weinberg's rule with ~1/3 monozygotic pairs
  // gives 1/3 + 2/3 * 1/2 = 2/3.
  double same_sex_twins = 2.0 / 3.0;
  // Dependent children per family: ONS "Families and households in the UK"
  // (2023): about 44% one child, 40% two, 16% three or more (split 12/4).
  std::array<double, 4> family_size = {0.44, 0.40, 0.12, 0.04};
  // Births within marriage or civil partnership: ONS, "Births in England and
  // Wales: 2022" (~49%). Sole registrations (mother alone): ONS, ~5%.
  double within_marriage = 0.49;
  double sole_registration = 0.05;
  // Of joint registrations outside marriage, the child takes the mother's
  // family name (assumed 20%) or a hyphenated name (assumed 8%); otherwise
  // the father's.
  double mothers_surname = 0.20;
  double hyphenated_surname = 0.08;
  // A second given name (assumed 75%); a third (assumed 5%).
  double middle_name = 0.75;
  double third_name = 0.05;
  // Children born outside England (no GRO birth record): assumed 7%, in the
  // range of Census 2021 country-of-birth tables for children.
  double born_abroad = 0.07;
  // Young people who turned 18 in the last `aged_out_window_days` and whose
  // records are still supplied (they must be archived): the window is assumed.
  int aged_out_window_days = 91;

  // --- Life events ------------------------------------------------------------
  // Household moved in the last two years: assumed 15% (English Housing
  // Survey: around one household in ten moves each year).
  double moved_recently = 0.15;
  // Of those moves, across a local authority boundary: assumed 35%.
  double moved_across_la = 0.35;
  // Died in the 12 months before the as-of date: NCMD, about 3,300-3,500
  // child deaths a year in England of ~12 million children (~0.03%).
  double died_last_year = 0.0003;
  // Left England in the 12 months before the as-of date: assumed 0.4% (ONS
  // long-term international emigration includes tens of thousands of
  // children a year).
  double emigrated_last_year = 0.004;
  // Ever adopted: DfE "Children looked after in England": ~3,000 adoptions a
  // year, so about 0.4% of the 0-17 population has been adopted.
  double adopted = 0.004;
  // Child's family name changed (e.g. on re-partnering): assumed 1%.
  double name_change = 0.01;
  // A parent who gives different family names for the child to services in
  // different areas (DOMAIN.md section 10 case 3): assumed 0.5% of families.
  double multi_name_parent = 0.005;

  // --- Universal services -----------------------------------------------------
  // Child benefit take-up: HMRC "Child Benefit take-up" estimates, ~89%.
  double child_benefit = 0.89;
  // Of school-age children: independent schools (DfE "Schools, pupils and
  // their characteristics" 2023/24: ~6.5% of pupils); elective home
  // education (DfE, autumn 2024/25: ~112,000, ~1.2%); missing education
  // (DfE "Children missing education" estimates, ~33,000, ~0.4%).
  double independent_school = 0.065;
  double home_educated = 0.012;
  double missing_education = 0.004;
  // 16-17 year olds in a school sixth form (rest in college, training or
  // work): assumed 40%, from DfE participation statistics.
  double school_sixth_form = 0.40;
  // No GP registration: assumed 3% (no published figure for children;
  // practice lists exceed the population).
  double no_gp = 0.03;
  // Under-5s known to health visiting: ~95% (OHID health visitor new birth
  // visit coverage, rounded).
  double health_visiting = 0.95;

  // --- Additional services ------------------------------------------------------
  // Children in need at a point in time: DfE "Characteristics of children in
  // need" 2024: ~400,000 of ~12 million (3.3%). Of them looked after: DfE
  // 83,630 at 31 March 2024 (~0.7% of all children, ~21% of CIN); on a child
  // protection plan: ~50,000 (~12% of CIN).
  double children_in_need = 0.033;
  double looked_after_of_cin = 0.21;
  double protection_plan_of_cin = 0.12;
  // Lead professional recorded on a social care involvement: assumed 60%.
  double social_care_lead = 0.60;
  // Aged 10-17 with a youth offending team: assumed 0.25% (Youth Justice
  // Board: ~13,000 children cautioned or sentenced a year).
  double youth_offending = 0.0025;
  // Aged 5-17 open to CAMHS: assumed 4% (NHS MHSDS); recorded on ContactPoint
  // with consent (assumed 70% consent), or without consent on a
  // child-protection ground (assumed 2% of recorded).
  double camhs = 0.04;
  double camhs_consent = 0.70;
  double camhs_override = 0.02;
  // Known to a voluntary organisation: assumed 2%; of these a CAF holder:
  // assumed 30%.
  double voluntary = 0.02;
  double voluntary_caf = 0.30;
  // A local involvement in the old area also continues in the new one after
  // a move across local authorities: assumed 70%.
  double local_transfer = 0.70;

  // --- Noise, per source (assumed) -------------------------------------------
  std::array<SourceNoise, kSourceCount> noise = {{
      // typo_g typo_f nick  surname reord drop  d/m    gender addr  pcode nhs   lag
      {0.002, 0.002, 0.00, 0.00, 0.000, 0.00, 0.000, 0.00, 0.00, 0.00, 0.95, 0},    // GRO
      {0.010, 0.008, 0.01, 0.02, 0.005, 0.30, 0.003, 0.00, 0.00, 0.00, 0.00, 60},   // DWP
      {0.010, 0.008, 0.05, 0.05, 0.010, 0.10, 0.005, 0.00, 0.01, 0.01, 0.00, 120},  // school
      {0.003, 0.003, 0.01, 0.02, 0.005, 0.00, 0.001, 0.00, 0.00, 0.00, 1.00, 45},   // PDS
      {0.030, 0.025, 0.05, 0.08, 0.020, 0.50, 0.010, 0.02, 0.03, 0.03, 0.70, 30},   // social care
      {0.030, 0.025, 0.08, 0.05, 0.020, 0.70, 0.010, 0.02, 0.05, 0.05, 0.30, 30},   // YOT
      {0.020, 0.015, 0.02, 0.03, 0.010, 0.40, 0.005, 0.01, 0.01, 0.02, 0.98, 30},   // HV
      {0.020, 0.015, 0.05, 0.03, 0.010, 0.50, 0.010, 0.02, 0.02, 0.03, 0.95, 60},   // CAMHS
      {0.050, 0.040, 0.15, 0.10, 0.030, 0.80, 0.020, 0.05, 0.10, 0.10, 0.02, 180},  // voluntary
  }};

  const SourceNoise& For(SourceKind kind) const { return noise[static_cast<int>(kind)]; }
};

}  // namespace cp::synth

#endif  // CP_SYNTH_RATES_H_
