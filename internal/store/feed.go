package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/cifra-health/cifra/internal/feed"
	"github.com/cifra-health/cifra/internal/orgunit"
)

// FeedOptions describe one feed load.
type FeedOptions struct {
	Actor string
	// Snapshot overrides the snapshot time of slot files. Otherwise a
	// Bundle's meta.lastUpdated (or timestamp) is used, and failing that the
	// file's modification time.
	Snapshot time.Time
	// Progress is called with bytes read and the file size.
	Progress func(read, size int64)
}

// FeedSummary says what a feed load did.
type FeedSummary struct {
	File     string
	Format   feed.Format
	SHA256   string
	Skipped  bool // the same content was loaded before: nothing changed
	Snapshot time.Time
	Stats    feed.Stats
	Elapsed  time.Duration
}

// feedTables lists, per resource type, the staging columns (equal to the
// target table's, except feed_slots which starts with the snapshot).
var feedTables = []struct {
	typ, table, columns string
}{
	{feed.TypeSchedule, "feed_schedules", "id VARCHAR, active BOOLEAN, org_unit VARCHAR, org_ref VARCHAR, specialty VARCHAR, actor VARCHAR"},
	{feed.TypeSlot, "feed_slots", "id VARCHAR, schedule VARCHAR, status VARCHAR, start_at TIMESTAMP, end_at TIMESTAMP, specialty VARCHAR, epgu BOOLEAN"},
	{feed.TypeAppointment, "feed_appointments", "id VARCHAR, status VARCHAR, org_unit VARCHAR, org_ref VARCHAR, specialty VARCHAR, patient VARCHAR, slot VARCHAR, channel VARCHAR, created_at TIMESTAMP, start_at TIMESTAMP, end_at TIMESTAMP, updated_at TIMESTAMP, referral VARCHAR, cancel_reason VARCHAR"},
	{feed.TypeEncounter, "feed_encounters", "id VARCHAR, status VARCHAR, org_unit VARCHAR, org_ref VARCHAR, patient VARCHAR, appointment VARCHAR, start_at TIMESTAMP, end_at TIMESTAMP"},
	{feed.TypeDocument, "feed_documents", "id VARCHAR, status VARCHAR, org_unit VARCHAR, org_ref VARCHAR, patient VARCHAR, encounter VARCHAR, created_at TIMESTAMP, registered_at TIMESTAMP"},
	{feed.TypeReferral, "feed_referrals", "id VARCHAR, status VARCHAR, patient VARCHAR, encounter VARCHAR, authored_at TIMESTAMP"},
}

// FeedResolver maps organisation keys to МО codes of the hierarchy: only
// units at the organisation level or below count.
func FeedResolver(h *orgunit.Hierarchy) feed.Resolver {
	return func(key string) (string, bool) {
		u, ok := h.Lookup(key)
		if !ok || u.Level < orgunit.Organisation {
			return "", false
		}
		return u.Code, true
	}
}

// LoadFeedFile loads one feed file atomically: every record or none. A
// file loaded before is skipped: the same content (SHA-256) and, when it
// carries slots and opt.Snapshot is given, the same snapshot (see
// feedLoaded). The file is
// hashed by a goroutine of its own while it is loaded: a file loaded
// before is noticed (and the load cancelled) as soon as the hash is known,
// and a new one costs no separate hashing pass.
func (s *Store) LoadFeedFile(ctx context.Context, path string, opt FeedOptions) (FeedSummary, error) {
	start := time.Now()
	sum := FeedSummary{File: path}
	format, err := feed.DetectFormat(path)
	if err != nil {
		return sum, err
	}
	sum.Format = format
	fi, err := os.Stat(path)
	if err != nil {
		return sum, err
	}
	h, err := s.Hierarchy(ctx)
	if err != nil {
		return sum, err
	}
	lctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	type hashed struct {
		sum    string
		loaded bool
		err    error
	}
	hashDone := make(chan hashed, 1)
	go func() {
		var r hashed
		if r.sum, r.err = fileHash(lctx, path); r.err == nil {
			r.loaded, r.err = feedLoaded(lctx, s.db, r.sum, opt.Snapshot)
		}
		if r.err != nil {
			cancel(r.err)
		} else if r.loaded {
			cancel(errLoadedBefore)
		}
		hashDone <- r
	}()
	ropt := feed.Options{Resolve: FeedResolver(h)}
	if opt.Progress != nil {
		size := fi.Size()
		ropt.Progress = func(n int64) { opt.Progress(n, size) }
	}
	sum.Snapshot = opt.Snapshot
	var open func() (io.ReadCloser, error)
	if format == feed.NDJSON {
		open = func() (io.ReadCloser, error) { return feed.Open(path) }
	}
	err = s.loadFeed(lctx, &sum, opt, func(sink feed.Sink) (feed.Stats, error) {
		return feed.ReadFile(lctx, path, ropt, sink)
	}, fi.ModTime(), open, func() (string, error) {
		r := <-hashDone
		hashDone <- r
		if r.err == nil && r.loaded {
			r.err = errLoadedBefore
		}
		return r.sum, r.err
	}, ropt)
	if err != nil {
		cancel(err) // stop hashing
	}
	if r := <-hashDone; r.err == nil && r.loaded {
		sum.SHA256, sum.Skipped, err = r.sum, true, nil
	}
	sum.Elapsed = time.Since(start)
	return sum, err
}

// errLoadedBefore cancels the load of a file whose hash is in feed_files.
var errLoadedBefore = errors.New("loaded before")

// LoadFeed loads a feed stream (an HTTP push) atomically; name is used in
// messages and the snapshot defaults to now. A body loaded before is
// skipped: the same content and, when it carries slots and opt.Snapshot is
// given, the same snapshot (see feedLoaded).
func (s *Store) LoadFeed(ctx context.Context, r io.Reader, name string, format feed.Format, opt FeedOptions) (FeedSummary, error) {
	start := time.Now()
	sum := FeedSummary{File: name, Format: format, Snapshot: opt.Snapshot}
	// The hash must be known before the rows are committed, so the body is
	// hashed while it is read and checked at commit.
	hr := &hashReader{r: r, h: sha256.New()}
	h, err := s.Hierarchy(ctx)
	if err != nil {
		return sum, err
	}
	err = s.loadFeed(ctx, &sum, opt, func(sink feed.Sink) (feed.Stats, error) {
		st, err := feed.Read(ctx, hr, name, format, feed.Options{Resolve: FeedResolver(h)}, sink)
		if err == nil {
			_, err = io.Copy(io.Discard, hr)
			sum.SHA256 = hex.EncodeToString(hr.h.Sum(nil))
		}
		return st, err
	}, time.Now(), nil, nil, feed.Options{})
	sum.Elapsed = time.Since(start)
	return sum, err
}

type hashReader struct {
	r io.Reader
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
}

func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	return n, err
}

func fileHash(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// feedLoaded says whether content with this hash was loaded before.
// Idempotence is keyed on content and, for content with slots (a dated
// picture of the schedule horizon), on the snapshot when one is given
// (FeedOptions.Snapshot, ?snapshot= on a push): the same slots under a new
// snapshot are a new snapshot of them. Without one the snapshot is a
// default (a Bundle's own time, which the same content repeats; the file's
// modification time; the time of a push), and the same content again is a
// reload or a retry: unchanged. Whether content has slots is known from
// its earlier loads (same hash, same content); files recorded before
// migration 006 have slots NULL when their snapshot has slots.
func feedLoaded(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, hash string, snapshot time.Time) (bool, error) {
	query := `SELECT count(*) FROM feed_files WHERE sha256 = ?`
	args := []any{hash}
	if !snapshot.IsZero() {
		query += ` AND (slots = 0 OR snapshot = ?)`
		args = append(args, snapshot.UTC().Truncate(time.Second))
	}
	var n int
	if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("read feed_files: %w", err)
	}
	return n > 0, nil
}

// loadKey is the primary key of a load in feed_files: the content hash,
// with the snapshot for content with slots (migration 006 builds the same
// for older rows).
func loadKey(hash string, slots int64, snapshot time.Time) string {
	if slots == 0 {
		return hash
	}
	return hash + "@" + snapshot.UTC().Format("2006-01-02T15:04:05Z")
}

// loadFeed loads the records read by read in one transaction. Slots of a
// snapshot not yet stored (the usual case for a snapshot file) are appended
// straight to feed_slots inside the transaction; everything else is staged
// in temporary tables and merged by id. Reading (parsing) runs in its own
// goroutine and hands records over in batches, so that parsing and
// appending use both cores. snapshotKnown says the snapshot cannot change
// while reading (it is not taken from a Bundle).
//
// When open is set (an NDJSON file, which can be read again), the file is
// first loaded as Slots only, in parallel (loadSlotsParallel); at the first
// resource of another kind that attempt is rolled back and the file is read
// again the general way. hash, when set, returns the content hash once it
// is known (LoadFeedFile hashes concurrently); otherwise read sets
// sum.SHA256.
func (s *Store) loadFeed(ctx context.Context, sum *FeedSummary, opt FeedOptions, read func(feed.Sink) (feed.Stats, error), mtime time.Time,
	open func() (io.ReadCloser, error), hash func() (string, error), ropt feed.Options) error {
	if opt.Actor == "" {
		opt.Actor = "unknown"
	}
	name := filepath.Base(sum.File)
	snapshotKnown := sum.Format != feed.JSON
	if sum.Snapshot.IsZero() && snapshotKnown {
		sum.Snapshot = mtime
	}
	sum.Snapshot = sum.Snapshot.UTC().Truncate(time.Second)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, t := range feedTables {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE stage_%s (%s)`, t.table, t.columns)); err != nil {
			return fmt.Errorf("load %s: staging: %w", name, err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS temp.stage_`+t.table) //nolint:errcheck // best effort
	}
	direct := false
	if snapshotKnown {
		var old int64
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM feed_slots WHERE snapshot = ?`, sum.Snapshot).Scan(&old); err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
		direct = old == 0
	}
	if open != nil {
		if err := registerSlotFunc(conn); err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
	}
	if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
		return fmt.Errorf("load %s: %w", name, err)
	}
	committed := false
	defer func() {
		if !committed {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		}
	}()
	began := time.Now()
	parallel := false
	if open != nil {
		st, err := s.loadSlotsParallel(ctx, conn, name, open, ropt, direct, sum.Snapshot)
		switch {
		case errors.Is(err, feed.ErrNotSlots):
			s.log.Debug("feed: not only slots, reading again", "file", name, "at", err)
			for _, q := range []string{`ROLLBACK`, `BEGIN TRANSACTION`} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("load %s: %w", name, err)
				}
			}
		case err != nil:
			return err
		default:
			parallel, sum.Stats = true, st
		}
	}
	err = conn.Raw(func(dc any) error {
		if parallel {
			return nil
		}
		sink := &appendSink{snapshot: sum.Snapshot, direct: direct}
		for i, t := range feedTables {
			schema, catalog, table := "main", "temp", "stage_"+t.table
			if direct && t.typ == feed.TypeSlot {
				catalog, table = "", t.table
			}
			app, err := duckdb.NewAppender(dc.(driver.Conn), catalog, schema, table)
			if err != nil {
				sink.close()
				return fmt.Errorf("appender %s: %w", table, err)
			}
			sink.apps[i] = app
		}
		st, err := pipeline(ctx, read, sink)
		sum.Stats = st
		return errors.Join(err, sink.close())
	})
	if err != nil {
		return err
	}
	if sum.Snapshot.IsZero() || !snapshotKnown {
		if !sum.Stats.Snapshot.IsZero() && opt.Snapshot.IsZero() {
			sum.Snapshot = sum.Stats.Snapshot.UTC().Truncate(time.Second)
		}
		if sum.Snapshot.IsZero() {
			sum.Snapshot = mtime.UTC().Truncate(time.Second)
		}
	}
	if hash != nil {
		if sum.SHA256, err = hash(); err != nil {
			return err
		}
	}
	loaded, err := feedLoaded(ctx, conn, sum.SHA256, opt.Snapshot)
	if err != nil {
		return fmt.Errorf("load %s: %w", name, err)
	}
	if loaded {
		sum.Skipped = true // loaded meanwhile by another load: roll back
		return nil
	}
	var unmapped int64
	for _, n := range sum.Stats.Unmapped {
		unmapped += n
	}
	var stmts []stmt
	for _, t := range feedTables {
		if sum.Stats.Records[t.typ] == 0 {
			continue
		}
		if t.typ == feed.TypeSlot {
			stmts = append(stmts, stmt{"drop slot summary", `DELETE FROM feed_slot_posts WHERE snapshot = ?`, []any{sum.Snapshot}})
			if direct {
				continue
			}
			stmts = append(stmts,
				stmt{"replace slots", `DELETE FROM feed_slots WHERE snapshot = ? AND id IN (SELECT id FROM stage_feed_slots)`, []any{sum.Snapshot}},
				stmt{"insert slots", `INSERT INTO feed_slots SELECT ?, * FROM stage_feed_slots`, []any{sum.Snapshot}})
			continue
		}
		stmts = append(stmts,
			stmt{"replace " + t.table, fmt.Sprintf(`DELETE FROM %s WHERE id IN (SELECT id FROM stage_%s)`, t.table, t.table), nil},
			// The last version of a resource in the file wins.
			stmt{"insert " + t.table, fmt.Sprintf(`INSERT INTO %s SELECT * FROM stage_%s QUALIFY row_number() OVER (PARTITION BY id ORDER BY rowid DESC) = 1`, t.table, t.table), nil})
	}
	nslots := sum.Stats.Records[feed.TypeSlot]
	stmts = append(stmts, stmt{"record file", `INSERT INTO feed_files (sha256, name, format, snapshot, records, unmapped, actor, loaded_at, slots, load_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		[]any{sum.SHA256, name, string(sum.Format), sum.Snapshot, sum.Stats.Total(), unmapped, opt.Actor, time.Now().UTC(),
			nslots, loadKey(sum.SHA256, nslots, sum.Snapshot)}})
	for _, st := range stmts {
		if _, err := conn.ExecContext(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("load %s: %s: %w", name, st.name, err)
		}
	}
	merged := time.Now()
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return fmt.Errorf("load %s: commit: %w", name, err)
	}
	committed = true
	if sum.Stats.Records[feed.TypeSlot] > 0 {
		// A summary built from the old slots while this load ran would be
		// stale; summaryMu orders this with slotSummary's build.
		summaryMu.Lock()
		_, err := s.db.ExecContext(ctx, `DELETE FROM feed_slot_posts WHERE snapshot = ?`, sum.Snapshot)
		summaryMu.Unlock()
		if err != nil {
			return fmt.Errorf("load %s: drop slot summary: %w", name, err)
		}
	}
	s.log.Debug("feed loaded", "file", name, "records", sum.Stats.Total(), "unmapped", unmapped, "direct", direct, "parallel", parallel,
		"read+insert", merged.Sub(began), "commit", time.Since(merged))
	return nil
}

// batch carries records from the reading goroutine to the appending one.
type batch struct {
	schedules    []feed.Schedule
	slots        []feed.Slot
	appointments []feed.Appointment
	encounters   []feed.Encounter
	documents    []feed.Document
	referrals    []feed.Referral
	n            int
}

const batchSize = 4096

// batchSink is the reader's side of the pipeline: it copies records into
// batches and sends full ones on.
type batchSink struct {
	ctx  context.Context
	cur  *batch
	out  chan<- *batch
	free chan *batch
	done <-chan struct{}
}

func (b *batchSink) take() {
	select {
	case b.cur = <-b.free:
		b.cur.schedules, b.cur.slots, b.cur.appointments = b.cur.schedules[:0], b.cur.slots[:0], b.cur.appointments[:0]
		b.cur.encounters, b.cur.documents, b.cur.referrals = b.cur.encounters[:0], b.cur.documents[:0], b.cur.referrals[:0]
		b.cur.n = 0
	default:
		b.cur = &batch{}
	}
}

func (b *batchSink) added() error {
	b.cur.n++
	if b.cur.n < batchSize {
		return nil
	}
	return b.flush()
}

func (b *batchSink) flush() error {
	if b.cur == nil || b.cur.n == 0 {
		return nil
	}
	select {
	case b.out <- b.cur:
	case <-b.done:
		return errors.New("load stopped")
	case <-b.ctx.Done():
		return b.ctx.Err()
	}
	b.take()
	return nil
}

func (b *batchSink) Schedule(r *feed.Schedule) error {
	b.cur.schedules = append(b.cur.schedules, *r)
	return b.added()
}
func (b *batchSink) Slot(r *feed.Slot) error { b.cur.slots = append(b.cur.slots, *r); return b.added() }
func (b *batchSink) Appointment(r *feed.Appointment) error {
	b.cur.appointments = append(b.cur.appointments, *r)
	return b.added()
}
func (b *batchSink) Encounter(r *feed.Encounter) error {
	b.cur.encounters = append(b.cur.encounters, *r)
	return b.added()
}
func (b *batchSink) Document(r *feed.Document) error {
	b.cur.documents = append(b.cur.documents, *r)
	return b.added()
}
func (b *batchSink) Referral(r *feed.Referral) error {
	b.cur.referrals = append(b.cur.referrals, *r)
	return b.added()
}

// pipeline runs read in a goroutine and appends its batches to sink here
// (the appenders belong to this goroutine's connection).
func pipeline(ctx context.Context, read func(feed.Sink) (feed.Stats, error), sink *appendSink) (feed.Stats, error) {
	out := make(chan *batch, 4)
	free := make(chan *batch, 6)
	done := make(chan struct{})
	bs := &batchSink{ctx: ctx, out: out, free: free, done: done}
	bs.take()
	var st feed.Stats
	var readErr error
	go func() {
		defer close(out)
		st, readErr = read(bs)
		if readErr == nil {
			readErr = bs.flush()
		}
	}()
	var appendErr error
	for b := range out {
		if appendErr == nil {
			if appendErr = sink.batch(b); appendErr != nil {
				close(done) // unblock the reader; keep draining
			}
		}
		select {
		case free <- b:
		default:
		}
	}
	if appendErr != nil {
		return st, appendErr // the reader only saw "load stopped"
	}
	return st, readErr
}

// appendSink writes records to the appenders, in feedTables order. In
// direct mode slots go to feed_slots itself, with the snapshot first.
type appendSink struct {
	apps     [6]*duckdb.Appender
	snapshot time.Time
	direct   bool
}

func (a *appendSink) batch(b *batch) error {
	for i := range b.schedules {
		if err := a.Schedule(&b.schedules[i]); err != nil {
			return err
		}
	}
	for i := range b.slots {
		if err := a.Slot(&b.slots[i]); err != nil {
			return err
		}
	}
	for i := range b.appointments {
		if err := a.Appointment(&b.appointments[i]); err != nil {
			return err
		}
	}
	for i := range b.encounters {
		if err := a.Encounter(&b.encounters[i]); err != nil {
			return err
		}
	}
	for i := range b.documents {
		if err := a.Document(&b.documents[i]); err != nil {
			return err
		}
	}
	for i := range b.referrals {
		if err := a.Referral(&b.referrals[i]); err != nil {
			return err
		}
	}
	return nil
}

func (a *appendSink) close() error {
	var errs []error
	for i, app := range a.apps {
		if app != nil {
			errs = append(errs, app.Close())
			a.apps[i] = nil
		}
	}
	return errors.Join(errs...)
}

// ts is NULL for a zero time.
func ts(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t
}

func str(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

func (a *appendSink) Schedule(r *feed.Schedule) error {
	return a.apps[0].AppendRow(r.ID, r.Active, str(r.OrgUnit), str(r.OrgRef), str(r.Specialty), str(r.Actor))
}

func (a *appendSink) Slot(r *feed.Slot) error {
	if a.direct {
		return a.apps[1].AppendRow(a.snapshot, r.ID, r.Schedule, r.Status, r.Start, r.End, str(r.Specialty), r.EPGU)
	}
	return a.apps[1].AppendRow(r.ID, r.Schedule, r.Status, r.Start, r.End, str(r.Specialty), r.EPGU)
}

func (a *appendSink) Appointment(r *feed.Appointment) error {
	return a.apps[2].AppendRow(r.ID, r.Status, str(r.OrgUnit), str(r.OrgRef), str(r.Specialty), str(r.Patient), str(r.Slot),
		str(r.Channel), ts(r.Created), ts(r.Start), ts(r.End), ts(r.Updated), str(r.Referral), str(r.CancelReason))
}

func (a *appendSink) Encounter(r *feed.Encounter) error {
	return a.apps[3].AppendRow(r.ID, r.Status, str(r.OrgUnit), str(r.OrgRef), str(r.Patient), str(r.Appointment), ts(r.Start), ts(r.End))
}

func (a *appendSink) Document(r *feed.Document) error {
	return a.apps[4].AppendRow(r.ID, r.Status, str(r.OrgUnit), str(r.OrgRef), str(r.Patient), str(r.Encounter), ts(r.Date), ts(r.Registered))
}

func (a *appendSink) Referral(r *feed.Referral) error {
	return a.apps[5].AppendRow(r.ID, r.Status, str(r.Patient), str(r.Encounter), ts(r.Authored))
}

// FeedCounts returns the number of stored rows per feed table.
func (s *Store) FeedCounts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range append([]string{"feed_files"}, tableNames()...) {
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}

func tableNames() []string {
	var out []string
	for _, t := range feedTables {
		out = append(out, t.table)
	}
	return out
}

// LoadFeedRecords loads records produced by gen (a generator, not a file)
// atomically. key identifies the content for idempotency, as a file's hash
// does: loading the same key twice changes nothing, unless the second
// gives a new snapshot and the records have slots.
func (s *Store) LoadFeedRecords(ctx context.Context, name, key string, opt FeedOptions, gen func(feed.Sink) (feed.Stats, error)) (FeedSummary, error) {
	start := time.Now()
	sum := FeedSummary{File: name, Format: "synthetic", SHA256: key, Snapshot: opt.Snapshot}
	loaded, err := feedLoaded(ctx, s.db, key, opt.Snapshot)
	if err != nil || loaded {
		sum.Skipped = loaded
		return sum, err
	}
	err = s.loadFeed(ctx, &sum, opt, gen, time.Now(), nil, nil, feed.Options{})
	sum.Elapsed = time.Since(start)
	return sum, err
}
