// Package postclear holds the domain of the customs–post MoU evaluation:
// the three record kinds exchanged between a postal operator and a customs
// administration (tracking events, declarations, customs decisions), their
// enumerations and validation rules, and the error type every adapter
// translates its failures into. It imports only the standard library; the
// meaning of every record and field is fixed by docs/domain.md.
package postclear

import "time"

// Event is a UPU EMSEVT-like tracking event: item X had event E at office O
// at time T.
type Event struct {
	ItemID             string    `json:"item_id"`
	EventCode          string    `json:"event_code"`
	EventTime          time.Time `json:"event_time"`
	Office             string    `json:"office"`
	OriginCountry      string    `json:"origin_country"`
	DestinationCountry string    `json:"destination_country"`
	MailClass          string    `json:"mail_class"`
}

// Declaration is electronic advance data (ITMATT/CUSITM): customs received a
// declaration for an item at ReceivedAt. Money and weight are kept as exact
// decimals (see Decimal).
type Declaration struct {
	ItemID             string    `json:"item_id"`
	ReceivedAt         time.Time `json:"received_at"`
	OriginCountry      string    `json:"origin_country"`
	DestinationCountry string    `json:"destination_country"`
	MailClass          string    `json:"mail_class"`
	Category           string    `json:"category"`
	Description        string    `json:"description"`
	HSCode             string    `json:"hs_code"`
	DeclaredValue      Decimal   `json:"declared_value"`
	Currency           string    `json:"currency"`
	GrossWeightKg      Decimal   `json:"gross_weight_kg"`
}

// Decision is a customs response (CUSRSP): customs decided D about an item at
// DecidedAt.
type Decision struct {
	ItemID          string    `json:"item_id"`
	DecidedAt       time.Time `json:"decided_at"`
	Decision        string    `json:"decision"`
	RiskChannel     string    `json:"risk_channel"`
	SeizureCategory string    `json:"seizure_category"`
	DutyAmount      Decimal   `json:"duty_amount"`
}

// RecordKind names one of the three ingested streams.
type RecordKind string

// The record kinds, as named on the command line and in error reports.
const (
	KindEvents       RecordKind = "events"
	KindDeclarations RecordKind = "declarations"
	KindDecisions    RecordKind = "decisions"
)
