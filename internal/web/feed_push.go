package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/feed"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web/response"
)

// maxFeedPushBytes bounds a pushed feed: the body is spooled to a temporary
// file so that it can be checked whole before anything is written.
const maxFeedPushBytes = 1 << 30

// FeedPushJSON is the answer to POST /api/v1/feed: what the load did.
type FeedPushJSON struct {
	Status   string           `json:"status"` // "loaded" or "unchanged"
	Format   feed.Format      `json:"format"`
	SHA256   string           `json:"sha256"`
	Snapshot time.Time        `json:"snapshot"`
	Records  map[string]int64 `json:"records"`
	Total    int64            `json:"total"`
	// Unmapped counts records whose МО could not be resolved: they are
	// loaded and reported, never dropped (docs/feed-csv.md).
	Unmapped     map[string]int64 `json:"unmapped"`
	UnmappedKeys []string         `json:"unmapped_examples,omitempty"`
	Ignored      map[string]int64 `json:"ignored"`
	ElapsedMS    float64          `json:"elapsed_ms"`
}

// recordProblem is a 422 naming the bad record.
type recordProblem struct {
	response.Problem
	Line  int    `json:"line"`
	Field string `json:"field,omitempty"`
}

// pushFormat picks the feed format: ?format= first, then the Content-Type.
func pushFormat(r *http.Request) (feed.Format, error) {
	switch f := strings.ToLower(r.URL.Query().Get("format")); f {
	case "ndjson", "jsonl":
		return feed.NDJSON, nil
	case "json", "bundle":
		return feed.JSON, nil
	case "csv":
		return feed.CSV, nil
	case "":
	default:
		return "", fmt.Errorf("format must be ndjson, json (a Bundle) or csv, not %q", f)
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return "", errors.New("say what the body is: Content-Type application/fhir+ndjson, application/fhir+json or text/csv, or ?format=")
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", fmt.Errorf("bad Content-Type %q", ct)
	}
	switch mt {
	case "application/fhir+ndjson", "application/ndjson", "application/x-ndjson", "application/jsonl":
		return feed.NDJSON, nil
	case "application/fhir+json", "application/json":
		return feed.JSON, nil
	case "text/csv":
		return feed.CSV, nil
	}
	return "", fmt.Errorf("Content-Type %s is not accepted: send application/fhir+ndjson, application/fhir+json (a Bundle) or text/csv", mt)
}

// unitSink collects what a scope check needs, without keeping the
// records: the first pass of a push, before anything is written. Records
// are upserted by id, so besides the МО a record names, the МО of the
// stored record it would replace counts too: otherwise an МО could
// overwrite another's appointment by reusing its id.
type unitSink struct {
	units     map[string]bool     // МО named by pushed records
	unmapped  int                 // records whose МО the directory does not know
	ids       map[string][]string // pushed ids by FHIR type, for the stored МО
	schedules map[string]string   // pushed schedules → МО
	slotOf    map[string]bool     // schedules the pushed slots refer to
	encs      map[string]string   // pushed encounters → МО
	refEnc    map[string]bool     // encounters the pushed referrals refer to
}

func newUnitSink() *unitSink {
	return &unitSink{units: map[string]bool{}, ids: map[string][]string{}, schedules: map[string]string{}, slotOf: map[string]bool{},
		encs: map[string]string{}, refEnc: map[string]bool{}}
}

func (u *unitSink) unit(typ, id, ou string) {
	u.ids[typ] = append(u.ids[typ], id)
	if ou == "" {
		u.unmapped++
		return
	}
	u.units[ou] = true
}

func (u *unitSink) Schedule(r *feed.Schedule) error {
	u.unit(feed.TypeSchedule, r.ID, r.OrgUnit)
	u.schedules[r.ID] = r.OrgUnit
	return nil
}
func (u *unitSink) Slot(r *feed.Slot) error { u.slotOf[r.Schedule] = true; return nil }
func (u *unitSink) Appointment(r *feed.Appointment) error {
	u.unit(feed.TypeAppointment, r.ID, r.OrgUnit)
	return nil
}
func (u *unitSink) Encounter(r *feed.Encounter) error {
	u.unit(feed.TypeEncounter, r.ID, r.OrgUnit)
	u.encs[r.ID] = r.OrgUnit
	return nil
}
func (u *unitSink) Document(r *feed.Document) error {
	u.unit(feed.TypeDocument, r.ID, r.OrgUnit)
	return nil
}
func (u *unitSink) Referral(r *feed.Referral) error {
	u.ids[feed.TypeReferral] = append(u.ids[feed.TypeReferral], r.ID)
	u.refEnc[r.Encounter] = true
	return nil
}

// resolve adds the МО the pushed records reach through stored ones: slots
// through their schedule, referrals through their encounter (pushed now or
// stored before), and every stored record a pushed one would replace.
// References that lead nowhere count as unmapped: their МО is unknown.
func (u *unitSink) resolve(ctx context.Context, st *catalog.Catalog) error {
	via := func(refs map[string]bool, pushed map[string]string, typ string) error {
		var stored []string
		for id := range refs {
			if ou, ok := pushed[id]; ok {
				if ou != "" {
					u.units[ou] = true
				} // an unmapped pushed parent is already counted
				continue
			}
			stored = append(stored, id)
		}
		m, err := st.FeedStoredUnits(ctx, typ, stored)
		if err != nil {
			return err
		}
		for _, id := range stored {
			if ou := m[id]; ou != "" {
				u.units[ou] = true
			} else {
				u.unmapped++
			}
		}
		return nil
	}
	if err := via(u.slotOf, u.schedules, feed.TypeSchedule); err != nil {
		return err
	}
	if err := via(u.refEnc, u.encs, feed.TypeEncounter); err != nil {
		return err
	}
	for typ, ids := range u.ids {
		m, err := st.FeedStoredUnits(ctx, typ, ids)
		if err != nil {
			return err
		}
		for _, ou := range m {
			if ou != "" {
				u.units[ou] = true
			}
		}
	}
	return nil
}

// unknownProblem is a 403 for records whose МО cannot be established.
type unknownProblem struct {
	scopeProblem
	Unmapped int `json:"unmapped_records"`
}

// pushFeed is POST /api/v1/feed: a hospital system pushes FHIR NDJSON, a
// Bundle or CSV (?format= or Content-Type; ?snapshot= for slot files). The
// body is checked whole first — every record valid (422 naming the line
// otherwise) and every МO it names, directly or through a stored schedule,
// in the caller's scope (403 otherwise) — and only then loaded, atomically
// and idempotently (the same body twice changes nothing).
func (s *Server) pushFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	format, err := pushFormat(r)
	if err != nil {
		response.Error(w, r, http.StatusUnsupportedMediaType, err.Error())
		return
	}
	opt := store.FeedOptions{Actor: p.Login}
	if v := r.URL.Query().Get("snapshot"); v != "" {
		if opt.Snapshot, err = feed.ParseTime([]byte(v)); err != nil {
			response.Error(w, r, http.StatusBadRequest, fmt.Sprintf("snapshot: %v", err))
			return
		}
	}
	tmp, err := os.CreateTemp("", "cifra-push-*")
	if err != nil {
		s.fail(w, r, fmt.Errorf("spool feed push: %w", err))
		return
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	if _, err := io.Copy(tmp, http.MaxBytesReader(w, r.Body, maxFeedPushBytes)); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			response.Error(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", mbe.Limit))
			return
		}
		response.Error(w, r, http.StatusBadRequest, fmt.Sprintf("read request body: %v", err))
		return
	}
	const name = "request"
	rewind := func() bool {
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			s.fail(w, r, fmt.Errorf("rewind feed push: %w", err))
			return false
		}
		return true
	}
	if !rewind() {
		return
	}
	us := newUnitSink()
	if _, err := feed.Read(ctx, tmp, name, format, feed.Options{Resolve: store.FeedResolver(s.cat.Hierarchy())}, us); err != nil {
		s.feedLoadError(w, r, err, true)
		return
	}
	if err := us.resolve(ctx, s.cat); err != nil {
		s.fail(w, r, err)
		return
	}
	svc := s.auth().service()
	var out []string
	for ou := range us.units {
		if !svc.InScope(p, ou) {
			out = append(out, ou)
		}
	}
	// Records whose МО is unknown are loaded and reported for a national
	// caller (docs/feed-csv.md); anyone else could not be shown to stay in
	// scope with them, so they are refused.
	unknown := 0
	if root, ok := s.cat.Hierarchy().Root(); us.unmapped > 0 && (!ok || !svc.InScope(p, root.Code)) {
		unknown = us.unmapped
	}
	if len(out) > 0 || unknown > 0 {
		slices.Sort(out)
		s.log.Warn("feed push outside scope refused", "login", p.Login, "scope", p.Scope, "units", len(out), "unmapped", unknown)
		detail := fmt.Sprintf("nothing loaded: %d medical organisations lie outside your scope %s", len(out), p.Scope)
		if unknown > 0 {
			detail = fmt.Sprintf("nothing loaded: %d medical organisations lie outside your scope %s and %d records name no medical organisation known to lie in it", len(out), p.Scope, unknown)
		}
		response.WriteProblem(w, http.StatusForbidden, unknownProblem{scopeProblem: scopeProblem{Problem: response.Problem{Type: "about:blank",
			Title: http.StatusText(http.StatusForbidden), Status: http.StatusForbidden, Detail: detail, Instance: r.URL.Path},
			OutOfScope: append([]string{}, out...)}, Unmapped: unknown})
		return
	}
	if !rewind() {
		return
	}
	sum, err := s.cat.LoadFeed(ctx, tmp, name, format, opt)
	if err != nil {
		s.feedLoadError(w, r, err, false)
		return
	}
	s.log.Info("feed push", "login", p.Login, "token", p.TokenID, "format", format, "records", sum.Stats.Total(), "skipped", sum.Skipped)
	resp := FeedPushJSON{Status: "loaded", Format: format, SHA256: sum.SHA256, Snapshot: sum.Snapshot, Records: sum.Stats.Records,
		Total: sum.Stats.Total(), Unmapped: sum.Stats.Unmapped, UnmappedKeys: sum.Stats.UnmappedKeys, Ignored: sum.Stats.Ignored,
		ElapsedMS: float64(sum.Elapsed.Microseconds()) / 1000}
	if sum.Skipped {
		resp.Status = "unchanged"
	}
	for _, m := range []*map[string]int64{&resp.Records, &resp.Unmapped, &resp.Ignored} {
		if *m == nil {
			*m = map[string]int64{}
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	response.JSON(w, resp)
}

// feedLoadError answers a failed read or load: a bad record is a 422 naming
// its line and field; other errors of the first pass (a Bundle that is not
// JSON, a CSV with an unknown layout) are the body's too, the rest the
// server's.
func (s *Server) feedLoadError(w http.ResponseWriter, r *http.Request, err error, body bool) {
	var re *feed.RecordError
	if errors.As(err, &re) {
		response.WriteProblem(w, http.StatusUnprocessableEntity, recordProblem{Problem: response.Problem{Type: "about:blank",
			Title: http.StatusText(http.StatusUnprocessableEntity), Status: http.StatusUnprocessableEntity,
			Detail: "nothing loaded: " + re.Error(), Instance: r.URL.Path}, Line: re.Line, Field: re.Field})
		return
	}
	if body && !errors.Is(err, context.Canceled) {
		response.Error(w, r, http.StatusUnprocessableEntity, "nothing loaded: "+err.Error())
		return
	}
	s.fail(w, r, err)
}
