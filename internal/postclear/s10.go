package postclear

import (
	"errors"
	"fmt"
)

// s10Weights are the UPU S10 weights applied to the eight serial digits.
var s10Weights = [8]int{8, 6, 4, 2, 3, 5, 9, 7}

// S10CheckDigit returns the UPU S10 check digit of an eight-digit serial
// number. It panics if serial is not eight ASCII digits: callers (the demo
// generator, tests) construct the serial themselves.
func S10CheckDigit(serial string) int {
	if len(serial) != 8 || !allDigits(serial) {
		panic(fmt.Sprintf("postclear.S10CheckDigit: serial %q is not 8 digits", serial))
	}
	return s10Check(serial)
}

func s10Check(serial string) int {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(serial[i]-'0') * s10Weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 0
	case 11:
		return 5
	default:
		return c
	}
}

var errS10Length = errors.New("must be 13 characters: 2 letters, 8 digits, a check digit and a 2-letter country code (e.g. \"RR123456785FR\")")

// ValidS10 reports why id is not a UPU S10 item identifier, or nil if it is
// one: two upper-case letters, eight digits, the check digit over them, and
// an ISO 3166-1 alpha-2 country code in upper case. The messages are meant
// for the person who produced the file.
func ValidS10(id string) error {
	if id == "" {
		return errors.New("required")
	}
	if len(id) != 13 {
		return errS10Length
	}
	if !isUpperAZ(id[0]) || !isUpperAZ(id[1]) {
		if isLetter(id[0]) && isLetter(id[1]) {
			return errors.New("service indicator must be upper case")
		}
		return fmt.Errorf("must start with 2 letters, not %s", Quote(id[:2]))
	}
	if !allDigits(id[2:11]) {
		return fmt.Errorf("characters 3 to 11 must be digits, not %q", id[2:11])
	}
	if want, got := s10Check(id[2:10]), int(id[10]-'0'); want != got {
		return fmt.Errorf("check digit is %d, expected %d", got, want)
	}
	if cc := id[11:]; !IsCountry(cc) {
		if !isUpperAZ(cc[0]) || !isUpperAZ(cc[1]) {
			return fmt.Errorf("country code %q must be 2 upper-case letters", cc)
		}
		return fmt.Errorf("country code %q is not an ISO 3166-1 code", cc)
	}
	return nil
}

func isUpperAZ(c byte) bool { return c >= 'A' && c <= 'Z' }

func isLetter(c byte) bool { return isUpperAZ(c) || (c >= 'a' && c <= 'z') }
