package postclear

// EventCodes are the UPU tracking codes postclear accepts, with their meaning.
// Any other code is rejected at ingestion.
var EventCodes = map[string]string{
	"EMA": "posting",
	"EMB": "arrival at outward office of exchange",
	"EXA": "presented to export customs",
	"EXB": "held by export customs",
	"EXC": "returned from export customs",
	"EXD": "held at outward office of exchange",
	"EXX": "export cancelled",
	"EMC": "departure from outward office of exchange",
	"EMJ": "arrival at transit office of exchange",
	"EMK": "departure from transit office of exchange",
	"EMD": "arrival at inward office of exchange",
	"EDA": "held at inward office of exchange",
	"EDB": "presented to import customs",
	"EME": "held by import customs",
	"EDC": "returned from import customs",
	"EMF": "departure from inward office of exchange",
	"EDD": "into sorting centre",
	"EDE": "out of sorting centre",
	"EMG": "arrival at delivery office",
	"EDF": "held at delivery depot",
	"EDG": "out for delivery",
	"EDH": "arrival at collection point",
	"EMH": "unsuccessful delivery",
	"EMI": "final delivery",
	"EDX": "import terminated",
}

// The milestone event codes (docs/domain.md, "Item milestones").
const (
	EventPosted    = "EMA"
	EventArrived   = "EMD"
	EventPresented = "EDB"
	EventReturned  = "EDC"
	EventDelivered = "EMI"
)

// MailClasses are the accepted mail classes.
var MailClasses = []string{"LETTER", "PACKET", "PARCEL", "EMS"}

// Categories are the CN 23 content categories of a declaration.
var Categories = []string{"GIFT", "DOCUMENTS", "SALE_OF_GOODS", "RETURNED_GOODS", "COMMERCIAL_SAMPLE", "OTHER"}

// Decisions are the customs decisions.
var Decisions = []string{"RELEASE", "HOLD", "INSPECT", "SEIZE", "RETURN", "DO_NOT_LOAD", "REQUEST_INFO"}

// InterventionDecisions are the decisions that count as an intervention.
var InterventionDecisions = []string{"HOLD", "INSPECT", "SEIZE", "RETURN", "DO_NOT_LOAD", "REQUEST_INFO"}

// RiskChannels are the channels an INSPECT decision was selected through.
var RiskChannels = []string{"TARGETED", "RANDOM", "DISCRETIONARY"}

// SeizureCategories classify a SEIZE decision.
var SeizureCategories = []string{"DRUGS", "IPR", "REVENUE", "ENVIRONMENT", "SECURITY", "CURRENCY", "CULTURAL_HERITAGE", "OTHER"}

// VagueDescriptions are descriptions that make a declaration incomplete,
// compared case-insensitively after trimming (docs/domain.md, compliance).
var VagueDescriptions = []string{"gift", "gifts", "goods", "parts", "clothes", "clothing", "sample", "samples", "items", "stuff", "accessories", "other", "merchandise", "products"}

// HSRequiredCategories are the categories whose declarations need an HS code
// to be complete.
var HSRequiredCategories = []string{"SALE_OF_GOODS", "COMMERCIAL_SAMPLE"}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
