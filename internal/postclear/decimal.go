package postclear

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// DecimalScale is the number of fraction digits a Decimal keeps. Values are
// stored in the engine as Decimal(18, 6), so every accepted value is kept
// exactly; a value with more fraction digits is rejected, never rounded.
const DecimalScale = 6

const decimalUnit = 1_000_000

// maxDecimalUnits bounds a Decimal to what Decimal(18, 6) can hold.
const maxDecimalUnits = 999_999_999_999_999_999

// Decimal is a non-negative or negative exact decimal number with up to six
// fraction digits, held as an integer count of millionths.
type Decimal struct{ units int64 }

// DecimalFromUnits returns the Decimal of units millionths.
func DecimalFromUnits(units int64) Decimal { return Decimal{units} }

// Units returns d as an integer count of millionths.
func (d Decimal) Units() int64 { return d.units }

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.units < 0:
		return -1
	case d.units > 0:
		return 1
	}
	return 0
}

// Float64 returns d as the nearest float64, for display and statistics.
func (d Decimal) Float64() float64 { return float64(d.units) / decimalUnit }

// String formats d in plain decimal notation with no trailing zeros.
func (d Decimal) String() string {
	u := d.units
	sign := ""
	if u < 0 {
		sign, u = "-", -u
	}
	s := sign + strconv.FormatInt(u/decimalUnit, 10)
	if frac := u % decimalUnit; frac != 0 {
		f := strconv.FormatInt(frac+decimalUnit, 10)[1:]
		s += "." + strings.TrimRight(f, "0")
	}
	return s
}

var errDecimalSyntax = errors.New("not a decimal number")

// ParseDecimal parses plain decimal notation ("12", "12.50", "-0.5", ".5").
// Exponents, thousands separators and more than six fraction digits are
// rejected with a message fit for a user.
func ParseDecimal(s string) (Decimal, error) {
	t := strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		neg = t[0] == '-'
		t = t[1:]
	}
	intPart, fracPart, hasDot := strings.Cut(t, ".")
	if (intPart == "" && fracPart == "") || (hasDot && fracPart == "" && intPart == "") {
		return Decimal{}, errDecimalSyntax
	}
	if !allDigits(intPart) || !allDigits(fracPart) {
		return Decimal{}, errDecimalSyntax
	}
	if len(fracPart) > DecimalScale {
		return Decimal{}, errors.New("more than 6 decimal places")
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 12 {
		return Decimal{}, errors.New("too large (at most 999999999999.999999)")
	}
	var units int64
	for _, c := range intPart {
		units = units*10 + int64(c-'0')
	}
	units *= decimalUnit
	frac := fracPart + strings.Repeat("0", DecimalScale-len(fracPart))
	for i, c := range frac {
		units += int64(c-'0') * pow10(DecimalScale-1-i)
	}
	if units > maxDecimalUnits {
		return Decimal{}, errors.New("too large (at most 999999999999.999999)")
	}
	if neg {
		units = -units
	}
	return Decimal{units}, nil
}

func pow10(n int) int64 {
	p := int64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MarshalJSON writes d as a JSON number in plain notation.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON accepts a JSON number or a string holding one, so that JSON
// Lines files may quote money values; null and "" mean zero.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		*d = Decimal{}
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		s = str
		if strings.TrimSpace(s) == "" {
			*d = Decimal{}
			return nil
		}
	}
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
