package strategy

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Method names how a forecast was made.
type Method string

// Forecast methods, chosen by the number of yearly facts (docs/strategy.md).
const (
	// MethodOLS: ordinary least squares on three or more yearly facts, with
	// a Student-t prediction interval.
	MethodOLS Method = "ols"
	// MethodTwoPoints: the line through two facts; the interval runs from
	// no further change to twice the pace (slope ± |slope| × horizon).
	MethodTwoPoints Method = "two_points"
	// MethodLastValue: one fact, carried forward; no interval.
	MethodLastValue Method = "last_value"
)

// Label is the Russian description of the method.
func (m Method) Label() string {
	switch m {
	case MethodOLS:
		return "линейный тренд (МНК) с 80-процентным интервалом прогноза"
	case MethodTwoPoints:
		return "линия через два значения; интервал — от сохранения уровня до удвоенного темпа"
	case MethodLastValue:
		return "последнее значение без изменения (данных для тренда мало)"
	}
	return ""
}

// IntervalLevel is the coverage of the prediction interval: 80 %, the
// usual choice for planning forecasts (a 95 % interval over a few yearly
// points is too wide to tell statuses apart).
const IntervalLevel = 0.80

// Forecast is a measure's forecast for one year.
type Forecast struct {
	Year  int     `json:"year"`
	Value float64 `json:"value"`
	// Low and High bound the prediction interval; equal to Value when
	// Interval is false.
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	Interval bool    `json:"interval"`
	Method   Method  `json:"method"`
	Points   int     `json:"points"` // yearly facts used
	From     int     `json:"from"`   // first and last year used
	To       int     `json:"to"`
	Slope    float64 `json:"slope"` // change per year
	// Clamped is set when the bounds of the measure (0–100 for shares and
	// scores, 0 for counts) cut the line or its interval.
	Clamped bool `json:"clamped,omitempty"`
}

// ForecastFor extrapolates the yearly facts (sorted by year, one per
// year) to year, clamping to [lo, hi]; false without facts. The method
// depends on the number of facts n:
//
//   - n ≥ 3: least squares y = a + b·x over the years; the 80 % prediction
//     interval is ŷ ± t(0.90; n−2) · s · √(1 + 1/n + (x₀ − x̄)² / Sxx), with
//     s² = Σ residual² / (n − 2) and Sxx = Σ (x − x̄)²;
//   - n = 2: the line through both facts; the interval is ŷ ± |b| · h,
//     h = year − last fact year: from «no further change» to «twice the pace»;
//   - n = 1: the fact itself, without an interval.
func ForecastFor(facts []Fact, year int, lo, hi float64) (Forecast, bool) {
	n := len(facts)
	if n == 0 {
		return Forecast{}, false
	}
	last := facts[n-1]
	f := Forecast{Year: year, Points: n, From: facts[0].Year, To: last.Year}
	switch n {
	case 1:
		f.Method, f.Value = MethodLastValue, last.Value
		f.Low, f.High = f.Value, f.Value
	case 2:
		first := facts[0]
		f.Method, f.Interval = MethodTwoPoints, true
		f.Slope = (last.Value - first.Value) / float64(last.Year-first.Year)
		h := float64(year - last.Year)
		f.Value = last.Value + f.Slope*h
		half := math.Abs(f.Slope * h)
		f.Low, f.High = f.Value-half, f.Value+half
	default:
		f.Method, f.Interval = MethodOLS, true
		var mx, my float64
		for _, p := range facts {
			mx += float64(p.Year)
			my += p.Value
		}
		mx /= float64(n)
		my /= float64(n)
		var sxx, sxy float64
		for _, p := range facts {
			dx := float64(p.Year) - mx
			sxx += dx * dx
			sxy += dx * (p.Value - my)
		}
		f.Slope = sxy / sxx
		// Centred on x̄: years near 2000 would cancel digits in a + b·x.
		var sse float64
		for _, p := range facts {
			r := p.Value - (my + f.Slope*(float64(p.Year)-mx))
			sse += r * r
		}
		s := math.Sqrt(sse / float64(n-2))
		x0 := float64(year)
		f.Value = my + f.Slope*(x0-mx)
		half := tQuantile(1-(1-IntervalLevel)/2, n-2) * s * math.Sqrt(1+1/float64(n)+(x0-mx)*(x0-mx)/sxx)
		f.Low, f.High = f.Value-half, f.Value+half
	}
	f.Value, f.Clamped = clamp(f.Value, lo, hi, false)
	f.Low, f.Clamped = clamp(f.Low, lo, hi, f.Clamped)
	f.High, f.Clamped = clamp(f.High, lo, hi, f.Clamped)
	return f, true
}

// tQuantile is the p-quantile of Student's t with df degrees of freedom.
func tQuantile(p float64, df int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(p)
}

func clamp(v, lo, hi float64, was bool) (float64, bool) {
	switch {
	case v < lo:
		return lo, true
	case v > hi:
		return hi, true
	}
	return v, was
}
