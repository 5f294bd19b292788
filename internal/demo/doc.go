// Package demo generates deterministic, realistic synthetic data for
// postclear: tracking events, declarations (EAD) and customs decisions for
// international postal items flowing into three destination countries whose
// customs administration and postal operator sign a customs–post MoU, and
// the public-holiday calendars of those countries (Holidays).
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
// held → EMF departure from the inward office → EDD/EDE sorting → EMG → EDG
// → EMI, or EMH then EDH/EMI or a second round. Some items are never
// delivered (lost, never collected), seized items end with EDX, returned
// ones with a RETURN decision and EDC, abandoned ones (duty never paid)
// with EDX alone. Gaps are log-normal and stretch in the December peak. A
// rare DO_NOT_LOAD on the advance data stops an item at origin (EXD, EXX).
//
// Delivery time is the sum of those legs: origin handling (under a day
// from EMA to EMC), the lane's air transport (a day or less from France or
// Spain to Morocco, 2.5–3 days from China to Kenya or Morocco, partly with
// a layover at a transit hub, and from the United States), presentation
// and clearance, the domestic trunk and sorting (under a day), then the first
// delivery round (08:00–10:00 local) the item reaches the delivery office
// for. There are no rounds on Saturdays, Sundays (the weekend of all three
// countries) and the country's public holidays, so items wait over weekends
// and J+5 counted in working days (as the UPU standard counts) is far above
// J+5 in calendar days. EMS is a priority service: shorter handling, first
// on the aircraft, express clearance. Letters fly in the slower letter mail
// but documents skip customs; parcels are handled more slowly and fail
// delivery more often. Customs interventions add days, so held items are
// mostly late, and the MoU's faster clearance shows in delivery too.
//
// Advance data is sent at acceptance (before departure) by the European,
// Japanese and Korean posts, mostly with the dispatch (between departure and
// arrival) on the other lanes, and mostly after arrival on China→Morocco and
// India→Kenya until the MoUs; documents usually have none. Declarations
// break each rule of declaration quality at rates set by origin
// (Lane.Defects): generic descriptions from Chinese e-commerce, missing HS
// codes from private senders in the US and UK, zero values from the Gulf,
// blank currencies from India, missing weights from Spain; far less once
// an MoU is in effect, and HS codes rarely missing once required (1
// September 2025). An incomplete declaration is amended in 30 % of cases.
//
// Customs risk management works on a hidden truth: an item carries
// something seizable with a chance set by category and lane. A risk
// profile (TARGETED) runs on the advance data as the item arrives, or at
// presentation when no timely data came; it selects a share of the
// seizable items and far fewer clean ones, better with timely complete
// data. RANDOM inspections take a fixed 1.2 % of presented items, so their
// hit rate is the base rate; DISCRETIONARY ones are an officer's rare pick.
// With timely data customs asks the post for items before presentation
// (INSPECT, REQUEST_INFO, or HOLD for duty), about half of them before the
// flight lands; the post presents most within hours, mislays some
// (presented a day or two later) and loses a few. Duty is assessed on
// SALE_OF_GOODS above the destination's de minimis.
//
// Each destination has one trouble spot. Mombasa's office of exchange
// (KEMBAA) is short of post staff: items wait there about 30 hours for
// presentation instead of 3, released items about 25 hours for dispatch
// instead of 4, and some are never presented, never released (duty
// abandoned, never terminated) or never dispatched, so a backlog of all
// three stages builds up there. Bangkok's second office (THBKKB) does not
// apply customs' hold list: about a quarter of the items customs asked for
// before presentation go to delivery unseen, until Thailand's MoU brings it
// down to a few percent (the failure GAO and the USPS Inspector General
// describe). A few presentation scans everywhere are keyed in after the
// release: released before presented.
//
// Each destination improves from its MoU signing date, linearly over 90
// days: EAD coverage and timeliness, declaration quality, targeting, and
// median clearance time roughly halved.
//
// # What the package tests measure
//
// Over the 50,000 items of the tests (seed 1; the 200,000 of `postclear
// seed` give the same figures within a point or two): EAD coverage 0.67
// before the MoUs and 0.89 after; declaration completeness 0.77 and 0.92;
// median clearance 25 h and 11.5 h; inspection rate 3.6 %; release without
// intervention 0.90; 98 % of items delivered.
//
// Risk channels: TARGETED 62 % of inspections with a hit rate of 0.135
// (0.12 before the MoUs, 0.16 after), RANDOM 31 % at 0.023 (the base rate;
// 0.010 over 200,000 items), DISCRETIONARY 6 %; three quarters of the
// targeted inspections are asked for before presentation. About 13 % of
// released SALE_OF_GOODS items pay duty.
//
// Holds: of the items customs asked for, 46 % before presentation (25 %
// before arrival); 98.8 % presented, 93 % within 24 h of the request, and of
// those asked for before presentation 13 % presented more than 24 h after.
// All requested items delivered without presentation are at THBKKB: 21 % of
// its pre-presentation requests before Thailand's MoU, 9 % after.
//
// Advance data: FR→MA 86 % before departure (93 % after its MoU); CN→MA 60 %
// after arrival before its MoU and 10 % after; CN→KE 38 % before departure
// and 87 % before arrival. Declaration failure rates before the MoUs range
// by origin from 2 % (JP) to 13 % (CN) for DESCRIPTION, 1 % to 14 % (AE) for
// VALUE, under 1 % to 13 % (IN) for CURRENCY, under 1 % to 9 % (ES) for
// WEIGHT, and 5 % to 22 % (US) for HS_CODE.
//
// Stage times: arrival→presentation median 32 h at KEMBAA, 3 h elsewhere;
// release→departure 25 h and 4 h. Delivery (KPI 2, UTC): median 4.7 days
// for EMS, 6.1 for letters, 6.9 for packets and 7.1 for parcels; J+5 on time
// 0.63, 0.37, 0.24 and 0.20 in calendar days, 0.90, 0.80, 0.69 and 0.61 in
// working days; by destination in working days 0.58 (KE), 0.74 (MA) and
// 0.79 (TH) from posting, 0.86–0.93 from arrival; 0.05 for items customs
// intervened on; five points higher once the MoUs are in effect.
//
// Backlog: at the end of 2025-Q1, Q2, Q3 and at Now, KEMBAA holds 42–72
// items awaiting presentation per 1,000 arrivals of the previous 90 days,
// the other offices 4–28; at Now it has items older than 30 days in every
// stage and nearly all the items in customs for over 30 days. Everywhere a
// tail of items never delivered stays open, as in real tracking data.
// Items close by delivery, seizure, RETURN, EDX alone and DO_NOT_LOAD;
// about 0.25 % are released before they are presented.
//
// # Where the parameters come from
//
// The reference figures of DOMAIN.md: inspection rates of a few percent and
// targeted hit rates of 10–15 % (WCO risk management practice); clearance
// medians of 8–30 hours, between the Time Release Study examples of 12.8 h
// (Japan) and 44 h (India); EAD required for goods since 2021 and HS codes
// for commercial items since September 2025 (UPU); the ICS2 idea that data
// after arrival is too late. Hold compliance below 100 % and the
// office-level failures follow the GAO and USPS Inspector General reports
// on US international service centres. Delivery falls short of the UPU
// J+5 standard for 80 % of mail, EMS aside, as inbound e-commerce commonly
// does, so that an MoU has something to improve. The holidays are the
// published national calendars (Holidays says which). Volumes, transit
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
