package analytics

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// DeliveryTimes returns the delivery-time KPI (docs/domain.md KPI 2, with
// the options of 2b) of q, judged against the Service's clock.
func (s *Service) DeliveryTimes(ctx context.Context, q postclear.KPIQuery, opts postclear.DeliveryOptions) ([]postclear.DeliveryStat, error) {
	return delivery.run(ctx, s, q, opts.Canonical())
}

// DeliverySQL returns the SQL and parameters of DeliveryTimes. In working
// days it reads the calendars first, which become parameters.
func (s *Service) DeliverySQL(ctx context.Context, q postclear.KPIQuery, opts postclear.DeliveryOptions) (string, warehouse.Params, error) {
	return delivery.SQL(ctx, s, q, opts.Canonical())
}

// deliveryStarts are the start milestones of the legs.
var deliveryStarts = map[postclear.DeliveryLeg]string{
	postclear.EndToEnd: "posted_at",
	postclear.Inbound:  "arrived_at",
}

func validDeliveryOptions(o postclear.DeliveryOptions) error {
	if err := validStandardDays(o.StandardDays); err != nil {
		return err
	}
	if _, ok := deliveryStarts[o.Leg]; !ok {
		return invalid("leg: unknown value %q", o.Leg)
	}
	if o.DayCount != postclear.CalendarDays && o.DayCount != postclear.WorkingDays {
		return invalid("dayCount: unknown value %q", o.DayCount)
	}
	return nil
}

// delivery: items with the leg's start milestone, attributed to it; the
// deadline is judged against today (the Service's clock).
//
// Each item's days are counted from J, the date of its start, to the date
// of its delivery instant (delivered_at, less customs_secs when net of
// customs time): the deadline, and late_day, the first day on which a
// delivery is late by two or more counted days. In calendar days they are
// J + n and J + n + 2 (deliveryDays); in working days they are read from
// the destination country's calendar (workingDays). J, the delivery date
// and today are dates in the query's time zone, counted in days (daySQL,
// dayNumber), whatever the server's time zone.
//
// Columns after the keys: items, delivered, the sum of delivery times in
// seconds, the p50/p90 seconds of delivered items (in days here;
// quantileSeconds), the due items (deadline
// before today), and of those: delivered on time, late by one counted day,
// by two or more, and not delivered.
var delivery = &family[postclear.DeliveryOptions, postclear.DeliveryStat]{
	name:  "delivery times",
	api:   "deliveryTimes",
	check: validDeliveryOptions,
	prepare: func(ctx context.Context, s *Service, b *builder, o postclear.DeliveryOptions) (err error) {
		if o.DayCount == postclear.WorkingDays {
			b.calendars, err = s.readCalendars(ctx, b.span(o.StandardDays))
		}
		return err
	},
	sql: func(b *builder, o postclear.DeliveryOptions) string {
		// "today" is a parameter, not SQL today(), so that an
		// injected clock decides it and a server in another time
		// zone agrees.
		b.params["today"] = dayNumber(b.now, b.loc)
		b.params["standard_days"] = int64(o.StandardDays)
		start := deliveryStarts[o.Leg]
		delivered := "assumeNotNull(delivered_at)"
		if o.NetOfCustomsTime {
			delivered = "subtractSeconds(" + delivered + ", customs_secs)"
		}
		cols := []string{
			"delivered_at IS NOT NULL AS is_delivered",
			"toInt64(" + delivered + ") - toInt64(assumeNotNull(" + start + ")) AS secs",
			daySQL("assumeNotNull("+start+")") + " AS start_day",
			daySQL(delivered) + " AS delivered_day",
		}
		var population string
		switch sp := b.span(o.StandardDays); {
		case o.DayCount != postclear.WorkingDays:
			population = b.milestones(start, append(cols, "start_day + {standard_days:Int64} AS due_day", "due_day + 2 AS late_day"))
		case arrayCalendar(sp, b.calendars):
			population = b.milestones(start, append(cols, b.workingDeadlines(sp, b.calendars, o.StandardDays)...))
		default:
			population = b.joinedDeadlines(b.milestones(start, append(cols, b.calendarCountry())), sp, o.StandardDays)
		}
		// Date arithmetic, comparisons and reading constant arrays by
		// position (a position out of range reads 0), which fail on no
		// row; the joined calendar's array reads are guarded by if, and
		// read 0 out of range too.
		b.eager = true
		return b.aggregate(nil, []string{
			"count() AS n_items",
			"countIf(is_delivered) AS n_delivered",
			"sumIf(secs, is_delivered) AS total_secs",
			"quantilesExactInclusiveIf(0.5, 0.9)(toInt32(secs), is_delivered) AS q_secs",
			"countIf(due_day < {today:Int64}) AS n_due",
			"countIf(due_day < {today:Int64} AND is_delivered AND delivered_day <= due_day) AS n_on_time",
			"countIf(due_day < {today:Int64} AND is_delivered AND delivered_day > due_day AND delivered_day < late_day) AS n_late_1",
			"countIf(due_day < {today:Int64} AND is_delivered AND delivered_day >= late_day) AS n_late_2",
			"countIf(due_day < {today:Int64} AND NOT is_delivered) AS n_not_delivered",
		}, population)
	},
	scan: func(sc *scanner) (postclear.DeliveryStat, error) {
		var n, delivered, due, onTime, late1, late2, notDelivered uint64
		var secs int64
		var qs []float64
		key, err := sc.scan(&n, &delivered, &secs, &qs, &due, &onTime, &late1, &late2, &notDelivered)
		if err != nil {
			return postclear.DeliveryStat{}, err
		}
		return postclear.DeliveryStat{
			Key:                 key,
			Items:               int64(n),
			Delivered:           int64(delivered),
			MeanDays:            stat(float64(secs)/float64(delivered)/86400, delivered),
			P50Days:             stat(qs[0]/86400, delivered),
			P90Days:             stat(qs[1]/86400, delivered),
			OnTimeRate:          rate(onTime, due),
			DueItems:            int64(due),
			LateBy1DayRate:      rate(late1, due),
			LateBy2PlusDaysRate: rate(late2, due),
			NotDeliveredRate:    rate(notDelivered, due),
		}, nil
	},
	key: func(r *postclear.DeliveryStat) *postclear.GroupKey { return &r.Key },
	fields: []field[postclear.DeliveryStat]{
		count("ITEMS", func(r *postclear.DeliveryStat) int64 { return r.Items }),
		count("DELIVERED", func(r *postclear.DeliveryStat) int64 { return r.Delivered }),
		number("MEAN_DAYS", func(r *postclear.DeliveryStat) *float64 { return r.MeanDays }),
		number("P50_DAYS", func(r *postclear.DeliveryStat) *float64 { return r.P50Days }),
		number("P90_DAYS", func(r *postclear.DeliveryStat) *float64 { return r.P90Days }),
		number("ON_TIME_RATE", func(r *postclear.DeliveryStat) *float64 { return r.OnTimeRate }),
		count("DUE_ITEMS", func(r *postclear.DeliveryStat) int64 { return r.DueItems }),
		number("LATE_BY_1_DAY_RATE", func(r *postclear.DeliveryStat) *float64 { return r.LateBy1DayRate }),
		number("LATE_BY_2_PLUS_DAYS_RATE", func(r *postclear.DeliveryStat) *float64 { return r.LateBy2PlusDaysRate }),
		number("NOT_DELIVERED_RATE", func(r *postclear.DeliveryStat) *float64 { return r.NotDeliveredRate }),
	},
}
