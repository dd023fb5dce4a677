package index

import (
	"fmt"
	"math"
)

// aggBuf holds per-node, per-unit results; Monte Carlo workers re-use one
// across draws instead of allocating.
type aggBuf struct {
	score, eff, contrib [][]float64 // [node][unit]
	vals, ws            []float64   // per-child scratch
	withContrib         bool
}

func newAggBuf(nNodes, nUnits int, withContrib bool) *aggBuf {
	mk := func() [][]float64 { return matrix(nNodes, nUnits) }
	b := &aggBuf{score: mk(), eff: mk(), withContrib: withContrib}
	if withContrib {
		b.contrib = mk()
	}
	return b
}

// aggregate scores every node bottom-up into buf. weights are per node
// (indexed like e.nodes); override, when its method is set, replaces every
// node's method and exponent.
//
// A child without a value for a unit is left out and its siblings' weights
// are re-scaled to the same total, so the parent is the mean of the present
// children. A parent with no present child has no value either.
func (e *engine) aggregate(norm [][]float64, screened []bool, weights []float64, override AggregateConfig, buf *aggBuf) error {
	nUnits := len(screened)
	for k := range e.nodes {
		n := &e.nodes[k]
		if n.ind >= 0 {
			copy(buf.score[k], norm[n.ind])
			continue
		}
		m, p := n.agg, n.p
		if override.Method != "" {
			m, p = override.Method, override.P
		}
		total := 0.0
		for _, c := range n.children {
			total += weights[c]
		}
		for u := range nUnits {
			buf.score[k][u] = math.NaN()
			for _, c := range n.children {
				buf.eff[c][u] = 0
				if buf.withContrib {
					buf.contrib[c][u] = math.NaN()
				}
			}
			if screened[u] {
				continue
			}
			vals, ws := buf.vals[:0], buf.ws[:0]
			sumW := 0.0
			for _, c := range n.children {
				if v := buf.score[c][u]; present(v) {
					vals = append(vals, v)
					ws = append(ws, weights[c])
					sumW += weights[c]
				}
			}
			buf.vals, buf.ws = vals, ws
			if len(vals) == 0 {
				continue
			}
			if sumW == 0 {
				return fmt.Errorf("node %q, unit %q: the children with a value all have zero weight", n.id, e.in.Units[u].ID)
			}
			for j := range ws {
				ws[j] /= sumW
			}
			score, bad := weightedMean(m, p, vals, ws)
			if bad >= 0 {
				child := e.presentChild(k, u, bad, buf)
				return fmt.Errorf("node %q, unit %q: %s aggregation needs positive values, but %q is %g; normalise to a positive range (e.g. minmax with range [1, 100])",
					n.id, e.in.Units[u].ID, m, e.nodes[child].id, vals[bad])
			}
			buf.score[k][u] = score
			j := 0
			for _, c := range n.children {
				if present(buf.score[c][u]) {
					buf.eff[c][u] = ws[j] * total
					j++
				}
			}
			if buf.withContrib {
				contributions(m, p, vals, ws, score, ws) // ws now holds contributions
				j = 0
				for _, c := range n.children {
					if present(buf.score[c][u]) {
						buf.contrib[c][u] = ws[j]
						j++
					}
				}
			}
		}
	}
	r := e.root()
	for u := range nUnits {
		buf.eff[r][u] = 1
		if !present(buf.score[r][u]) {
			buf.eff[r][u] = 0
		}
		if buf.withContrib {
			buf.contrib[r][u] = buf.score[r][u]
		}
	}
	return nil
}

// presentChild maps the j-th present child of node k for unit u back to a
// node index, for error messages.
func (e *engine) presentChild(k, u, j int, buf *aggBuf) int {
	for _, c := range e.nodes[k].children {
		if present(buf.score[c][u]) {
			if j == 0 {
				return c
			}
			j--
		}
	}
	return k
}

// weightedMean is the weighted power mean of vals with weights ws summing to
// 1. Zero-weight values are ignored. Geometric, harmonic and power means with
// p < 0 need positive values, p > 0 (other than 1) non-negative ones; bad is
// the index of the first value breaking that, else -1. The generalised mean
// with p = 0 is its limit, the geometric mean.
func weightedMean(m AggregateMethod, p float64, vals, ws []float64) (score float64, bad int) {
	switch m {
	case AggGeometric:
		p = 0
	case AggHarmonic:
		p = -1
	case AggGeneralised:
	default:
		p = 1
	}
	for j, v := range vals {
		if ws[j] == 0 || p == 1 {
			continue
		}
		if v < 0 || (v == 0 && p <= 0) {
			return math.NaN(), j
		}
	}
	s := 0.0
	switch p {
	case 1:
		for j, v := range vals {
			s += ws[j] * v
		}
		return s, -1
	case 0:
		for j, v := range vals {
			if ws[j] != 0 {
				s += ws[j] * math.Log(v)
			}
		}
		return math.Exp(s), -1
	case -1:
		for j, v := range vals {
			if ws[j] != 0 {
				s += ws[j] / v
			}
		}
		return 1 / s, -1
	}
	for j, v := range vals {
		if ws[j] != 0 {
			s += ws[j] * math.Pow(v, p)
		}
	}
	return math.Pow(s, 1/p), -1
}

// contributions splits score among the children into out (which may alias
// ws); the parts always sum to score:
//
//   - arithmetic (p = 1): w·x, exact.
//   - geometric (p = 0): the share of the log, score·w·ln x / ln score, since
//     ln score = Σ w·ln x; weight shares when ln score is 0. With values
//     below 1 logs change sign and parts may fall outside [0, score].
//   - harmonic and other power means: no additive split exists, so the
//     score is split in proportion to w·x.
func contributions(m AggregateMethod, p float64, vals, ws []float64, score float64, out []float64) {
	switch m {
	case AggGeometric:
		p = 0
	case AggHarmonic:
		p = -1
	case AggGeneralised:
	default:
		p = 1
	}
	switch {
	case p == 1:
		for j, v := range vals {
			out[j] = ws[j] * v
		}
	case p == 0:
		l := math.Log(score)
		for j, v := range vals {
			switch {
			case ws[j] == 0:
				out[j] = 0
			case math.Abs(l) < 1e-12:
				out[j] = ws[j] * score
			default:
				out[j] = score * ws[j] * math.Log(v) / l
			}
		}
	default:
		s := 0.0
		for j, v := range vals {
			s += ws[j] * v
		}
		for j, v := range vals {
			if s == 0 {
				out[j] = ws[j] * score
			} else {
				out[j] = score * ws[j] * v / s
			}
		}
	}
}
