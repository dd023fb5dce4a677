package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/cifra-health/cifra/internal/feed"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/web/response"
)

// errBadRequest marks a request error the handlers answer with 400.
type errBadRequest struct{ msg string }

func (e errBadRequest) Error() string { return e.msg }

// answerErr writes a problem for err: 400 for bad parameters, 500 otherwise.
func (s *Server) answerErr(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := err.(errBadRequest); ok {
		response.Error(w, r, http.StatusBadRequest, e.msg)
		return
	}
	s.fail(w, r, err)
}

// feedSnapshot picks ?snapshot= among the stored snapshots (the latest by
// default). It returns the zero time when there are none.
func (s *Server) feedSnapshot(ctx context.Context, r *http.Request) (time.Time, []time.Time, error) {
	snaps, err := s.cat.FeedSnapshots(ctx)
	if err != nil {
		return time.Time{}, nil, err
	}
	v := r.URL.Query().Get("snapshot")
	if v == "" {
		if len(snaps) == 0 {
			return time.Time{}, nil, nil
		}
		return snaps[len(snaps)-1], snaps, nil
	}
	at, err := feed.ParseTime([]byte(v))
	if err != nil {
		return time.Time{}, nil, errBadRequest{fmt.Sprintf("snapshot: %v", err)}
	}
	for _, t := range snaps {
		if t.Equal(at) {
			return t, snaps, nil
		}
	}
	return time.Time{}, nil, errBadRequest{fmt.Sprintf("no slot snapshot at %s", at.UTC().Format(time.RFC3339))}
}

// feedRegion resolves ?region= (ISO code or any key the hierarchy knows) to
// a region; "" is all regions.
func (s *Server) feedRegion(r *http.Request) (*orgunit.Unit, error) {
	v := r.URL.Query().Get("region")
	if v == "" {
		return nil, nil
	}
	h := s.cat.Hierarchy()
	u, ok := h.Lookup(v)
	if !ok {
		return nil, errBadRequest{fmt.Sprintf("unknown region %q", v)}
	}
	if u.Level != orgunit.Region {
		reg, ok := h.RegionOf(u.Code)
		if !ok || reg.Code != u.Code {
			return nil, errBadRequest{fmt.Sprintf("%q is not a region", v)}
		}
	}
	return u, nil
}

// regionCode is the region of an МО, "" when unmapped.
func regionCode(h *orgunit.Hierarchy, ou string) string {
	if ou == "" {
		return ""
	}
	if r, ok := h.RegionOf(ou); ok {
		return r.Code
	}
	return ""
}

func unitName(h *orgunit.Hierarchy, code string) string {
	if code == "" {
		return "(не сопоставлено с МО)"
	}
	if u, ok := h.Get(code); ok {
		return u.Label()
	}
	return code
}

// intParam reads an optional non-negative integer query parameter.
func intParam(r *http.Request, name string, def, maxV int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxV {
		return 0, errBadRequest{fmt.Sprintf("%s must be an integer from 0 to %d", name, maxV)}
	}
	return n, nil
}
