package demo

import "time"

// Destination is an importing country whose customs administration and
// designated postal operator sign a customs–post MoU. The generated data
// improves (more and better advance data, faster clearance) from MoUSigned
// on, so that an MoU evaluation over the demo data has something to show.
type Destination struct {
	Country   string // ISO 3166-1 alpha-2
	Customs   string // the national customs administration, in the country's languages
	Post      string // the designated postal operator, likewise
	MoUSigned time.Time
	// TimeZone is the country's IANA zone, for its MoU's local quarters.
	TimeZone string
	// UTCOffset is the local offset in hours, so that delivery rounds start
	// in the local morning.
	UTCOffset float64

	// InwardOffices are the inward offices of exchange (IMPC-like codes)
	// where items arrive and are presented to customs.
	InwardOffices []Office
	// Bottleneck, when set, is an inward office short of post staff: items
	// wait there for presentation (BottleneckHours median instead of a few
	// hours), released items wait about as long for dispatch, and a few are
	// never presented, released or dispatched at all.
	Bottleneck      string
	BottleneckHours float64
	// HoldFailure, when set, is an inward office whose post does not apply
	// customs' hold list: a share of the items customs asked for before
	// presentation goes to delivery without being presented, as GAO and
	// the USPS Inspector General found at US international service centres.
	// The share falls from HoldFailureShare[0] before the MoU to [1].
	HoldFailure      string
	HoldFailureShare [2]float64
	// SortingCentre is where released items are sorted for delivery.
	SortingCentre string
	// DeliveryOffices are the delivery offices (country + postal code).
	// They have no delivery rounds on Saturdays, Sundays and the
	// country's public holidays (Holidays).
	DeliveryOffices []Office

	// Currency is the local currency in which duty is assessed.
	Currency string
	// DeMinimisUSD is the value above which SALE_OF_GOODS items pay duty
	// and taxes; DutyRate is the combined effective rate on the value.
	DeMinimisUSD, DutyRate float64
	// ClearanceHoursBefore and ClearanceHoursAfter are the medians of the
	// log-normal presented→release time of an item without intervention,
	// before the MoU and once it is in full effect.
	ClearanceHoursBefore, ClearanceHoursAfter float64
}

// Office is an office code with its relative share of the volume.
type Office struct {
	Code   string
	Weight float64
}

// Lane is an origin→destination flow with its share of the volume and the
// transport characteristics that set the gaps between events.
type Lane struct {
	Origin, Destination string
	// Weight is the lane's relative share of all items.
	Weight float64
	// UTCOffset is the origin's offset in hours, to post in local business hours.
	UTCOffset float64
	// PostingOffices are where items are accepted (EMA).
	PostingOffices []Office
	// OutwardOffice is the outward office of exchange (EMB, EMC).
	OutwardOffice string
	// TransitOffice, when set, is the hub a TransitShare of items goes
	// through (EMJ, EMK).
	TransitOffice string
	TransitShare  float64
	// ExportShare is the share of items presented to export customs (EXA),
	// typically cross-border e-commerce exports.
	ExportShare float64
	// TransportDays is the median time from departure at the outward office
	// to arrival at the inward office (EMC→EMD), in days, by air, for
	// packets; the speed table scales it for the other classes.
	TransportDays float64
	// ClassMix weighs LETTER, PACKET, PARCEL and EMS, in that order.
	ClassMix [4]float64
	// Currency is the currency the senders on this lane usually declare in.
	Currency string
	// RiskFactor scales the share of items that carry something customs
	// would seize, and so the inspections and seizures (lane risk profiles).
	RiskFactor float64
	// Seizures weighs the seizure categories found on this lane.
	Seizures []Share
	// EAD says when the origin post sends the advance data.
	EAD EADTiming
	// Defects are how often the origin's declarations break each rule.
	Defects Defects
}

// EADTiming is when an origin post sends the advance data of the items it
// declares, as shares before the destination's MoU ([0]) and once it is in
// full effect ([1]): InFlight between departure from the outward office and
// arrival (posts that send ITMATT when they close the dispatch), Late after
// arrival; the rest before departure (sent at acceptance).
type EADTiming struct {
	InFlight, Late [2]float64
}

// Defects are the chances that a declaration breaks each rule of DOMAIN.md's
// declaration quality (DESCRIPTION, VALUE, CURRENCY, WEIGHT, HS_CODE) before
// the MoU; once it is in full effect the chances are defectsAfterMoU times
// these, and HS codes missing become rarer still once they are required
// (1 September 2025).
type Defects struct {
	Description, Value, Currency, Weight, HSCode float64
}

// Share is one value of a categorical distribution with its weight.
type Share struct {
	Value  string
	Weight float64
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Destinations are the three demo importing countries. The MoU dates fall
// inside the default 18-month span before DefaultNow, at different points,
// so that before/after comparisons exist for each of them. Each has one
// trouble spot: Mombasa's office of exchange is short of post staff (slow
// presentation, a backlog), Bangkok's second office does not apply the hold
// list (items customs asked for are delivered without presentation) until
// the MoU.
var Destinations = []Destination{
	{
		Country: "KE", Customs: "Kenya Revenue Authority", Post: "Posta Kenya",
		MoUSigned: day(2024, time.November, 18), TimeZone: "Africa/Nairobi",
		UTCOffset:     3,
		InwardOffices: []Office{{"KENBOA", 0.78}, {"KEMBAA", 0.22}},
		Bottleneck:    "KEMBAA", BottleneckHours: 30,
		SortingCentre:   "KENBOC",
		DeliveryOffices: []Office{{"KE00100", 0.42}, {"KE80100", 0.18}, {"KE40100", 0.12}, {"KE20100", 0.15}, {"KE30100", 0.13}},
		Currency:        "KES", DeMinimisUSD: 50, DutyRate: 0.35,
		ClearanceHoursBefore: 30, ClearanceHoursAfter: 13,
	},
	{
		Country:   "MA",
		Customs:   "Administration des Douanes et Impôts Indirects / إدارة الجمارك والضرائب غير المباشرة",
		Post:      "Barid Al-Maghrib / بريد المغرب",
		MoUSigned: day(2025, time.February, 10), TimeZone: "Africa/Casablanca",
		UTCOffset:       1,
		InwardOffices:   []Office{{"MACASA", 0.7}, {"MATNGA", 0.2}, {"MARAKA", 0.1}},
		SortingCentre:   "MACASC",
		DeliveryOffices: []Office{{"MA20000", 0.38}, {"MA10000", 0.2}, {"MA40000", 0.15}, {"MA30000", 0.14}, {"MA90000", 0.13}},
		Currency:        "MAD", DeMinimisUSD: 125, DutyRate: 0.3,
		ClearanceHoursBefore: 24, ClearanceHoursAfter: 10,
	},
	{
		Country: "TH", Customs: "กรมศุลกากร", Post: "บริษัท ไปรษณีย์ไทย จำกัด",
		MoUSigned: day(2025, time.May, 12), TimeZone: "Asia/Bangkok",
		UTCOffset:     7,
		InwardOffices: []Office{{"THBKKA", 0.68}, {"THBKKB", 0.22}, {"THCNXA", 0.1}},
		HoldFailure:   "THBKKB", HoldFailureShare: [2]float64{0.25, 0.04},
		SortingCentre:   "THBKKC",
		DeliveryOffices: []Office{{"TH10110", 0.25}, {"TH10330", 0.2}, {"TH50000", 0.15}, {"TH20150", 0.12}, {"TH83000", 0.14}, {"TH40000", 0.14}},
		Currency:        "THB", DeMinimisUSD: 43, DutyRate: 0.22,
		ClearanceHoursBefore: 18, ClearanceHoursAfter: 8,
	},
}

// Posting offices, shared by the lanes of one origin.
var (
	postCN = []Office{{"CN518000", 0.3}, {"CN510000", 0.2}, {"CN321000", 0.2}, {"CN200000", 0.2}, {"CN100000", 0.1}}
	postUS = []Office{{"US10001", 0.3}, {"US60601", 0.2}, {"US94105", 0.25}, {"US30301", 0.25}}
	postGB = []Office{{"GBEC1A", 0.4}, {"GBM1", 0.25}, {"GBB1", 0.2}, {"GBLS1", 0.15}}
	postAE = []Office{{"AEDXBP", 0.7}, {"AEAUHP", 0.3}}
	postIN = []Office{{"IN110001", 0.35}, {"IN400001", 0.4}, {"IN560001", 0.25}}
	postFR = []Office{{"FR75001", 0.45}, {"FR69001", 0.2}, {"FR13001", 0.2}, {"FR33000", 0.15}}
	postES = []Office{{"ES28001", 0.45}, {"ES08001", 0.35}, {"ES41001", 0.2}}
	postJP = []Office{{"JP1000001", 0.55}, {"JP5300001", 0.3}, {"JP8100001", 0.15}}
	postKR = []Office{{"KR04524", 0.7}, {"KR48058", 0.3}}
)

// Seizure profiles: counterfeits dominate e-commerce lanes from Asia, revenue
// (undervaluation) and currency cases the Gulf, drugs stay rare everywhere.
var (
	seizeAsiaECom = []Share{{"IPR", 55}, {"REVENUE", 20}, {"ENVIRONMENT", 6}, {"SECURITY", 5}, {"OTHER", 12}, {"DRUGS", 2}}
	seizeWest     = []Share{{"REVENUE", 35}, {"IPR", 12}, {"DRUGS", 8}, {"CURRENCY", 10}, {"CULTURAL_HERITAGE", 5}, {"SECURITY", 5}, {"OTHER", 25}}
	seizeGulf     = []Share{{"REVENUE", 40}, {"CURRENCY", 25}, {"IPR", 18}, {"OTHER", 15}, {"DRUGS", 2}}
	seizeIndia    = []Share{{"REVENUE", 30}, {"DRUGS", 10}, {"IPR", 20}, {"ENVIRONMENT", 10}, {"OTHER", 30}}
	seizeNEAsia   = []Share{{"REVENUE", 40}, {"IPR", 20}, {"ENVIRONMENT", 10}, {"OTHER", 29}, {"DRUGS", 1}}
)

// When advance data comes: European, Japanese and Korean posts send it at
// acceptance; China's e-commerce hubs and the long-haul posts mostly with
// the dispatch; China→Morocco and India→Kenya mostly after the item has
// arrived until the MoUs connect their systems.
var (
	eadAtAcceptance = EADTiming{InFlight: [2]float64{0.08, 0.05}, Late: [2]float64{0.05, 0.02}}
	eadAtDispatch   = EADTiming{InFlight: [2]float64{0.5, 0.45}, Late: [2]float64{0.12, 0.03}}
	eadLate         = EADTiming{InFlight: [2]float64{0.2, 0.4}, Late: [2]float64{0.6, 0.1}}
)

// Declaration defects by origin: generic descriptions ("gift", "goods") from
// Chinese e-commerce sellers; HS codes left out by private senders in the
// US and UK; zero or missing values on gifts from the Gulf; blank
// currencies from India; weights not captured at Spanish counters. Japan
// and Korea declare carefully.
var (
	defectsCN = Defects{Description: 0.15, Value: 0.03, Currency: 0.02, Weight: 0.01, HSCode: 0.1}
	defectsUS = Defects{Description: 0.05, Value: 0.04, Currency: 0.01, Weight: 0.03, HSCode: 0.4}
	defectsGB = Defects{Description: 0.05, Value: 0.03, Currency: 0.02, Weight: 0.02, HSCode: 0.32}
	defectsAE = Defects{Description: 0.08, Value: 0.12, Currency: 0.05, Weight: 0.03, HSCode: 0.3}
	defectsIN = Defects{Description: 0.09, Value: 0.05, Currency: 0.14, Weight: 0.04, HSCode: 0.3}
	defectsFR = Defects{Description: 0.05, Value: 0.02, Currency: 0.01, Weight: 0.02, HSCode: 0.2}
	defectsES = Defects{Description: 0.05, Value: 0.03, Currency: 0.02, Weight: 0.1, HSCode: 0.25}
	defectsJP = Defects{Description: 0.02, Value: 0.01, Currency: 0.005, Weight: 0.005, HSCode: 0.08}
	defectsKR = Defects{Description: 0.03, Value: 0.015, Currency: 0.01, Weight: 0.01, HSCode: 0.1}
)

// Lanes are the demo flows. Weights are relative item volumes, chosen so that
// China-origin e-commerce dominates each destination, as in most countries'
// inbound postal mail.
var Lanes = []Lane{
	{Origin: "CN", Destination: "KE", Weight: 9, UTCOffset: 8, PostingOffices: postCN, OutwardOffice: "CNCANA",
		TransitOffice: "AEDXBA", TransitShare: 0.35, ExportShare: 0.3, TransportDays: 2.5,
		ClassMix: [4]float64{0.02, 0.82, 0.06, 0.10}, Currency: "USD", RiskFactor: 1.2, Seizures: seizeAsiaECom,
		EAD: eadAtDispatch, Defects: defectsCN},
	{Origin: "GB", Destination: "KE", Weight: 3, UTCOffset: 0, PostingOffices: postGB, OutwardOffice: "GBLHRA",
		TransportDays: 2, ClassMix: [4]float64{0.15, 0.45, 0.25, 0.15}, Currency: "GBP", RiskFactor: 0.8, Seizures: seizeWest,
		EAD: eadAtAcceptance, Defects: defectsGB},
	{Origin: "US", Destination: "KE", Weight: 3, UTCOffset: -5, PostingOffices: postUS, OutwardOffice: "USJFKA",
		TransitOffice: "NLAMSA", TransitShare: 0.5, TransportDays: 3.2,
		ClassMix: [4]float64{0.12, 0.5, 0.23, 0.15}, Currency: "USD", RiskFactor: 0.9, Seizures: seizeWest,
		EAD: eadAtDispatch, Defects: defectsUS},
	{Origin: "AE", Destination: "KE", Weight: 2, UTCOffset: 4, PostingOffices: postAE, OutwardOffice: "AEDXBA",
		TransportDays: 1.2, ClassMix: [4]float64{0.08, 0.55, 0.27, 0.10}, Currency: "AED", RiskFactor: 1.1, Seizures: seizeGulf,
		EAD: eadAtDispatch, Defects: defectsAE},
	{Origin: "IN", Destination: "KE", Weight: 2, UTCOffset: 5.5, PostingOffices: postIN, OutwardOffice: "INBOMA",
		TransportDays: 1.6, ClassMix: [4]float64{0.15, 0.5, 0.2, 0.15}, Currency: "INR", RiskFactor: 1.1, Seizures: seizeIndia,
		EAD: eadLate, Defects: defectsIN},
	{Origin: "FR", Destination: "MA", Weight: 7, UTCOffset: 1, PostingOffices: postFR, OutwardOffice: "FRCDGA",
		TransportDays: 1, ClassMix: [4]float64{0.14, 0.48, 0.28, 0.10}, Currency: "EUR", RiskFactor: 0.8, Seizures: seizeWest,
		EAD: eadAtAcceptance, Defects: defectsFR},
	{Origin: "CN", Destination: "MA", Weight: 6, UTCOffset: 8, PostingOffices: postCN, OutwardOffice: "CNPVGA",
		TransitOffice: "QADOHA", TransitShare: 0.4, ExportShare: 0.3, TransportDays: 2.8,
		ClassMix: [4]float64{0.02, 0.84, 0.05, 0.09}, Currency: "USD", RiskFactor: 1.2, Seizures: seizeAsiaECom,
		EAD: eadLate, Defects: defectsCN},
	{Origin: "ES", Destination: "MA", Weight: 3, UTCOffset: 1, PostingOffices: postES, OutwardOffice: "ESMADA",
		TransportDays: 0.8, ClassMix: [4]float64{0.12, 0.45, 0.33, 0.10}, Currency: "EUR", RiskFactor: 0.9, Seizures: seizeWest,
		EAD: eadAtAcceptance, Defects: defectsES},
	{Origin: "US", Destination: "MA", Weight: 2, UTCOffset: -5, PostingOffices: postUS, OutwardOffice: "USJFKA",
		TransitOffice: "FRCDGA", TransitShare: 0.6, TransportDays: 2.8,
		ClassMix: [4]float64{0.12, 0.5, 0.23, 0.15}, Currency: "USD", RiskFactor: 0.9, Seizures: seizeWest,
		EAD: eadAtDispatch, Defects: defectsUS},
	{Origin: "CN", Destination: "TH", Weight: 12, UTCOffset: 8, PostingOffices: postCN, OutwardOffice: "CNSZXA",
		ExportShare: 0.35, TransportDays: 1.2, ClassMix: [4]float64{0.02, 0.85, 0.05, 0.08}, Currency: "USD", RiskFactor: 1.2, Seizures: seizeAsiaECom,
		EAD: eadAtDispatch, Defects: defectsCN},
	{Origin: "JP", Destination: "TH", Weight: 4, UTCOffset: 9, PostingOffices: postJP, OutwardOffice: "JPNRTA",
		TransportDays: 1.2, ClassMix: [4]float64{0.1, 0.5, 0.22, 0.18}, Currency: "JPY", RiskFactor: 0.7, Seizures: seizeNEAsia,
		EAD: eadAtAcceptance, Defects: defectsJP},
	{Origin: "US", Destination: "TH", Weight: 3, UTCOffset: -5, PostingOffices: postUS, OutwardOffice: "USLAXA",
		TransitOffice: "JPNRTA", TransitShare: 0.3, TransportDays: 3.2,
		ClassMix: [4]float64{0.12, 0.5, 0.23, 0.15}, Currency: "USD", RiskFactor: 0.9, Seizures: seizeWest,
		EAD: eadAtDispatch, Defects: defectsUS},
	{Origin: "GB", Destination: "TH", Weight: 2, UTCOffset: 0, PostingOffices: postGB, OutwardOffice: "GBLHRA",
		TransitOffice: "AEDXBA", TransitShare: 0.4, TransportDays: 2.4,
		ClassMix: [4]float64{0.15, 0.45, 0.25, 0.15}, Currency: "GBP", RiskFactor: 0.8, Seizures: seizeWest,
		EAD: eadAtAcceptance, Defects: defectsGB},
	{Origin: "KR", Destination: "TH", Weight: 2, UTCOffset: 9, PostingOffices: postKR, OutwardOffice: "KRICNA",
		TransportDays: 1.2, ClassMix: [4]float64{0.08, 0.62, 0.15, 0.15}, Currency: "KRW", RiskFactor: 0.8, Seizures: seizeNEAsia,
		EAD: eadAtAcceptance, Defects: defectsKR},
}

// usdRate is units of a currency per US dollar: rough 2024–2025 levels, fixed
// so that the data is reproducible.
var usdRate = map[string]float64{
	"USD": 1, "EUR": 0.92, "GBP": 0.79, "CNY": 7.2, "JPY": 150, "KRW": 1350,
	"AED": 3.67, "INR": 83, "KES": 129, "MAD": 10, "THB": 35,
}

// wholeUnits lists currencies without a minor unit in practice, whose
// amounts are rounded to whole units.
var wholeUnits = map[string]bool{"JPY": true, "KRW": true}

// product is a typical content with its tariff heading and median value.
type product struct {
	desc      string
	hs        string // "" when none is usual (documents)
	medianUSD float64
}

// The contents by category, index as in catNames. Descriptions are what
// senders write on a good CN 23; the HS codes are plausible headings.
var products = [numCategories][]product{
	catGift: {
		{"Handmade wool scarf", "611710", 25}, {"Family photo album", "491199", 15}, {"Children's clothes", "611120", 30},
		{"Dried dates", "080410", 20}, {"Green tea", "090210", 18}, {"Perfume", "330300", 45}, {"Wooden carving", "442090", 35},
		{"Knitted baby blanket", "630140", 28}, {"Birthday card and chocolates", "180690", 12},
	},
	catDocuments: {
		{"Legal documents", "", 2}, {"University transcripts", "", 2}, {"Contract papers", "", 2},
		{"Bank cards", "", 3}, {"Visa application documents", "", 2}, {"Personal correspondence", "", 1},
	},
	catSale: {
		{"Mobile phone case", "392690", 8}, {"Cotton T-shirt", "610910", 14}, {"Bluetooth earphones", "851830", 25},
		{"LED desk lamp", "94052000", 22}, {"Women's leather handbag", "420221", 60}, {"Running shoes", "640411", 55},
		{"Smart watch", "851762", 45}, {"Kitchen knife set", "821191", 30}, {"USB phone charger", "850440", 10},
		{"Plastic building blocks toy", "950300", 20}, {"Lipstick", "330410", 12}, {"Vitamin supplements", "2106909800", 25},
		{"Printed books", "490199", 18}, {"Car LED headlight bulbs", "853921", 16}, {"Sunglasses", "900410", 15},
		{"Synthetic hair wig", "670411", 35}, {"Laptop backpack", "420292", 28},
	},
	catReturned: {
		{"Returned dress, wrong size", "620443", 40}, {"Returned shoes", "640399", 50}, {"Returned phone for repair", "851713", 180},
	},
	catSample: {
		{"Textile fabric samples", "600632", 10}, {"Ceramic tile samples", "690721", 15}, {"Machine part samples", "848790", 40},
	},
	catOther: {
		{"Bicycle spare parts", "871496", 35}, {"Coffee beans", "090121", 20}, {"Fishing tackle", "950790", 30},
		{"Blood glucose test strips", "382200", 25},
	},
}

// categoryMix weighs the content categories by mail class: letters mostly
// carry documents, packets small e-commerce goods, parcels gifts and goods,
// EMS a mix with many business documents.
var categoryMix = [4][numCategories]float64{
	classLetter: {catGift: 0.06, catDocuments: 0.85, catSale: 0.05, catSample: 0.01, catOther: 0.03},
	classPacket: {catGift: 0.18, catDocuments: 0.03, catSale: 0.68, catReturned: 0.03, catSample: 0.03, catOther: 0.05},
	classParcel: {catGift: 0.36, catDocuments: 0.01, catSale: 0.49, catReturned: 0.04, catSample: 0.03, catOther: 0.07},
	classEMS:    {catGift: 0.12, catDocuments: 0.35, catSale: 0.40, catReturned: 0.03, catSample: 0.05, catOther: 0.05},
}
