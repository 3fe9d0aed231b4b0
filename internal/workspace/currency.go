package workspace

import (
	"fmt"
	"slices"
	"strings"
)

// DefaultCurrency is the currency a workspace starts in, until its owner
// names another in its settings.
const DefaultCurrency = "USD"

// ParseCurrency checks an ISO 4217 currency code (EUR, usd) and returns it
// upper-case, as it is stored.
func ParseCurrency(code string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if c == "" {
		return "", fmt.Errorf("is required: an ISO 4217 code such as EUR or USD")
	}
	if !isCurrency(c) {
		return "", fmt.Errorf("%q is not an ISO 4217 currency code such as EUR or USD", code)
	}
	return c, nil
}

// Currencies lists the ISO 4217 codes a workspace may report in, in order.
func Currencies() []string { return slices.Clone(currencies[:]) }

func isCurrency(c string) bool {
	_, found := slices.BinarySearch(currencies[:], c)
	return found
}

// currencies are the ISO 4217 codes of money in circulation, sorted,
// including those being replaced (ANG, SLL, ZWL) so that data from before a
// change still has a home. Funds, precious metals and the test and "no
// currency" codes are left out: nothing is sold in them.
var currencies = [...]string{
	"AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
	"BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
	"CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
	"GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
	"JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
	"LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
	"NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
	"RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC",
	"SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
	"VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
}
