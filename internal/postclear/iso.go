package postclear

// The code lists below are kept as space-separated text rather than Go
// literals so that a reviewer can compare them with the published tables
// line by line; init turns them into lookup tables indexed by the letters,
// which makes a lookup a bounds check and an array load (it runs for every
// ingested row).

// iso3166Alpha2 holds all 249 officially assigned ISO 3166-1 alpha-2 codes.
// Exceptionally or transitionally reserved codes (EU, UK, XK, …) are not
// country codes and are rejected.
const iso3166Alpha2 = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW
`

// iso4217Active holds the alphabetic codes of ISO 4217 List One (current
// currencies, funds and the X-codes for metals, SDR, testing and "no
// currency"). Codes withdrawn by replacement are not in it: HRK (EUR, 2023),
// ZWL (ZWG, 2024), SLL (SLE), ANG (XCG, 2025). See docs/records.md.
const iso4217Active = `
AED AFN ALL AMD AOA ARS AUD AWG AZN
BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK
DJF DKK DOP DZD
EGP ERN ETB EUR
FJD FKP
GBP GEL GHS GIP GMD GNF GTQ GYD
HKD HNL HTG HUF
IDR ILS INR IQD IRR ISK
JMD JOD JPY
KES KGS KHR KMF KPW KRW KWD KYD KZT
LAK LBP LKR LRD LSL LYD
MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN
NAD NGN NIO NOK NPR NZD
OMR
PAB PEN PGK PHP PKR PLN PYG
QAR
RON RSD RUB RWF
SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL
THB TJS TMT TND TOP TRY TTD TWD TZS
UAH UGX USD USN UYI UYU UYW UZS
VED VES VND VUV
WST
XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX
YER
ZAR ZMW ZWG
`

var (
	countrySet  [26 * 26]bool
	currencySet [26 * 26 * 26]bool
	// CountryCodes and CurrencyCodes list the accepted codes in
	// alphabetical order, for documentation and demo data.
	CountryCodes  = fields(iso3166Alpha2)
	CurrencyCodes = fields(iso4217Active)
)

func init() {
	for _, c := range CountryCodes {
		countrySet[letterIndex(c)] = true
	}
	for _, c := range CurrencyCodes {
		currencySet[letterIndex(c)] = true
	}
}

// letterIndex maps a string of upper-case ASCII letters to a number in
// base 26, or -1 if any byte is not in A–Z.
func letterIndex(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 'A' || c > 'Z' {
			return -1
		}
		n = n*26 + int(c-'A')
	}
	return n
}

func fields(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' || s[i] == '\n' {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return out
}

// IsCountry reports whether code is an officially assigned ISO 3166-1
// alpha-2 code. Only upper case matches, as the record contract requires.
func IsCountry(code string) bool {
	if len(code) != 2 {
		return false
	}
	i := letterIndex(code)
	return i >= 0 && countrySet[i]
}

// IsCurrency reports whether code is an active ISO 4217 alphabetic code in
// upper case.
func IsCurrency(code string) bool {
	if len(code) != 3 {
		return false
	}
	i := letterIndex(code)
	return i >= 0 && currencySet[i]
}
