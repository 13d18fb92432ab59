// Package subject knows the identifiers of credit subjects (信用主体) and how to
// check them: the unified social credit code (统一社会信用代码, GB 32100-2015),
// the organization code (组织机构代码, GB 11714-1997), the old 15-digit
// business registration number (工商注册号, GS 15-2006), the tax registration
// number (税务登记号), institution and social-organization certificate numbers,
// the resident identity number (公民身份号码, GB 11643-1999) and the other
// personal documents seen in credit data (passport, 港澳/台湾通行证,
// 外国人永久居留身份证).
//
// Every validator returns a Verdict instead of an error, so that a caller can
// choose its policy: a form rejects anything that is not OK, while a bulk
// importer may accept a code whose only fault is its check character
// (Verdict.CheckCharOnly) and flag it, as the specification asks (SPEC C1;
// domain-facts §1.2 reports real codes that fail their checksum).
//
// Input is cleaned before it is checked: surrounding and embedded whitespace
// is removed (including U+3000), full-width ASCII is folded to half-width and
// letters are upper-cased. Verdict.Normalized holds the cleaned form; it is the
// form to store and to key on.
//
// Decisions worth knowing:
//
//   - USCC positions 9–17 are an organization code and its GB 11714 check
//     character is verified too. domain-facts §1.4 found every valid USCC it
//     checked (including post-2015 "MA…" bodies) to pass it. A wrong embedded
//     check character is reported like a wrong position-18 check character
//     (CheckCharOnly), so importers can still accept and flag it.
//   - USCC region digits: the first two must be a real province code (or "10"
//     for central-level registration authorities); the six digits are looked up
//     only to name the region, since abolished county codes stay on old
//     registrations.
//   - Dates (birth dates) are calendar dates in China Standard Time (UTC+8,
//     no daylight saving since 1991); the package never reads the clock, the
//     functions that need "now" take it as a parameter.
//
// The region table (regions.tsv, embedded) is the Ministry of Civil Affairs
// list of county-level and higher division codes (GB/T 2260), taken from the
// public dataset github.com/yescallop/areacodes (data/2025.txt).
package subject
