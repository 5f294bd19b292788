// Package demo generates deterministic, realistic synthetic data for
// postclear: tracking events, declarations (EAD) and customs decisions for
// international postal items flowing into three destination countries whose
// customs administration and postal operator sign a customs–post MoU.
//
// # What the data models
//
// Each item travels one of the Lanes (origin → destination, weighted by
// volume, China-origin e-commerce dominating) along the UPU event flow:
// EMA posting (origin business hours; fewer items at weekends, a
// November–December peak, ~8 % yearly growth) → EMB → optional EXA export
// customs → EMC → optional EMJ/EMK transit hub → EMD at an inward office of
// exchange after the lane's transport time → EDB presented to import customs
// (goods always; documents in letters never) → decisions, with EME while
// held → EMF → EDD/EDE sorting → EMG → EDG → EMI, or EMH then EDH/EMI or a
// second round. Some items are never delivered (lost, never collected),
// seized items end with EDX, returned ones with a RETURN decision and EDC.
// Gaps are log-normal and stretch in the December peak. A rare DO_NOT_LOAD
// on the advance data stops an item at origin (EXD, EXX).
//
// Delivery time is the sum of those legs: origin handling (under a day
// from EMA to EMC), the lane's air transport (a day or less from France or
// Spain to Morocco, 2.5–3 days from China to Kenya or Morocco, partly with
// a layover at a transit hub, and from the United States), presentation
// and clearance, the domestic trunk and sorting (under a day), then the first
// delivery round (08:00–10:00 local) the item reaches the delivery office
// for. EMS is a priority service: shorter handling, first on the aircraft,
// express clearance. Letters fly in the slower letter mail but documents
// skip customs; parcels are handled more slowly and fail delivery more
// often. Customs interventions (information requests, inspections, holds)
// add days, so held items are mostly late, and the MoU's faster clearance
// shows in delivery too.
//
// Declarations arrive at posting for most goods items and late (after
// arrival) for some; documents usually have none. Some are incomplete: a
// vague description (postclear.VagueDescriptions, in varying case), empty
// description, zero value, missing currency, or a missing HS code for
// commercial items (rarer once HS codes became mandatory on 1 September
// 2025). An incomplete declaration is amended in 30 % of cases.
//
// Customs asks for information (more often without usable EAD; 15 % are
// then returned unanswered), inspects a few percent of items by category
// and lane risk, through TARGETED (60 %), RANDOM (25 %) or DISCRETIONARY
// (15 %) selection with hit rates 13 %, 1.5 % and 6 %; a hit is a SEIZE whose
// category follows the lane's profile (IPR on Asian e-commerce lanes,
// revenue and currency on the Gulf lane, drugs rare everywhere). Dutiable
// SALE_OF_GOODS above the destination's de minimis carry a duty amount on
// RELEASE and are sometimes held for payment. Clearance without intervention
// is log-normal around a destination median.
//
// Each destination improves from its MoU signing date, linearly over 90
// days: EAD coverage (DOMAIN.md definition) from about 0.69 to 0.90,
// declaration completeness from about 0.69 to 0.88, median clearance time
// roughly halved. Over the default span the package tests measure an
// inspection rate near 4 %, a targeted hit rate near 14 %, release without
// intervention near 0.89 and about 97.5 % of items delivered. Posting to
// delivery (KPI 2) takes a median of about 3.9 days for EMS, 5.3 for
// letters, 6.2 for packets and 6.4 for parcels, with J+5 on-time rates near
// 0.80, 0.51, 0.36 and 0.30: 0.5–0.7 on the short lanes (FR, ES→MA; CN,
// JP, KR→TH; AE, IN→KE), 0.1–0.2 on the long ones (CN→KE, CN→MA, from
// the US), near 0.07 for items customs intervened on, and some 7 points
// higher once the MoUs are in effect.
//
// # Where the parameters come from
//
// The reference figures of DOMAIN.md: inspection rates of a few percent and
// targeted hit rates of 10–15 % (WCO risk management practice); clearance
// medians of 8–30 hours, between the Time Release Study examples of 12.8 h
// (Japan) and 44 h (India); EAD required for goods since 2021 and HS codes
// for commercial items since September 2025 (UPU). Delivery falls short of
// the UPU J+5 standard for 80 % of mail, EMS aside, as inbound e-commerce
// commonly does, so that an MoU has something to improve. Volumes, transit
// times, office codes, de minimis values, duty rates and exchange rates are
// plausible round figures, not statistics of the named countries.
//
// # Determinism
//
// The same Config yields byte-identical records: every item draws from its
// own PCG seeded from (Seed, item index), so items can also be generated in
// separate ranges (Config.First) and joined. Item IDs are valid S10 codes
// whose serial is a keyed permutation of the item index, hence unique for up
// to MaxItems items. Nothing reads the clock: Config.Now (DefaultNow when
// zero) decides which records exist yet.
package demo
