package store

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

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
	// Generation is the data generation the load committed (0 when it
	// wrote nothing).
	Generation int64
}

// feedTables lists, per resource type, the target table and its columns
// (feed_slots also starts with the snapshot, not listed). Staging tables
// have the same columns after seq, the record's order in the load (the
// last version of a resource in a load wins).
var feedTables = []struct {
	typ, table string
	cols       []column
}{
	{feed.TypeSchedule, "feed_schedules", []column{{"id", tText}, {"active", tBool}, {"org_unit", tText}, {"org_ref", tText}, {"specialty", tText}, {"actor", tText}}},
	{feed.TypeSlot, "feed_slots", []column{{"id", tText}, {"schedule", tText}, {"status", tText}, {"start_at", tTime}, {"end_at", tTime}, {"specialty", tText}, {"epgu", tBool}}},
	{feed.TypeAppointment, "feed_appointments", []column{{"id", tText}, {"status", tText}, {"org_unit", tText}, {"org_ref", tText}, {"specialty", tText},
		{"patient", tText}, {"slot", tText}, {"channel", tText}, {"created_at", tTime}, {"start_at", tTime}, {"end_at", tTime}, {"updated_at", tTime},
		{"referral", tText}, {"cancel_reason", tText}}},
	{feed.TypeEncounter, "feed_encounters", []column{{"id", tText}, {"status", tText}, {"org_unit", tText}, {"org_ref", tText}, {"patient", tText},
		{"appointment", tText}, {"start_at", tTime}, {"end_at", tTime}}},
	{feed.TypeDocument, "feed_documents", []column{{"id", tText}, {"status", tText}, {"org_unit", tText}, {"org_ref", tText}, {"patient", tText},
		{"encounter", tText}, {"created_at", tTime}, {"registered_at", tTime}}},
	{feed.TypeReferral, "feed_referrals", []column{{"id", tText}, {"status", tText}, {"patient", tText}, {"encounter", tText}, {"authored_at", tTime}}},
}

const slotTable = 1 // feedTables index of feed_slots

// slotCols are feed_slots' columns.
var slotCols = append([]column{{"snapshot", tTime}}, feedTables[slotTable].cols...)

// stageCols are the columns of a staging table.
func stageCols(i int) []column { return append([]column{{"seq", tInt}}, feedTables[i].cols...) }

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
			r.loaded, r.err = feedLoaded(lctx, s, r.sum, opt.Snapshot)
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
	}, ropt, true)
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
	}, time.Now(), nil, nil, feed.Options{}, false)
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
func feedLoaded(ctx context.Context, q querier, hash string, snapshot time.Time) (bool, error) {
	query := `SELECT count(*) FROM feed_files WHERE sha256 = ?`
	args := []any{hash}
	if !snapshot.IsZero() {
		query += ` AND (slots = 0 OR snapshot = ?)`
		args = append(args, snapshot.UTC().Truncate(time.Second))
	}
	var n int
	if err := q.queryRow(ctx, query, args...).Scan(&n); err != nil {
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

// errDuplicateSlots says a direct slot load met a slot id twice: the load
// is rolled back and read again through staging, which keeps the last.
var errDuplicateSlots = errors.New("a slot id appears twice in the load")

// loadFeed loads the records read by read in one transaction of the feed
// writers. Slots of a snapshot not yet stored (the usual case for a
// snapshot file) go straight to feed_slots ("direct"), with the snapshot's
// per-post summary computed on the way; everything else is staged in
// temporary tables and upserted by key, the last version of a resource in
// the load winning. Reading (parsing) runs in its own goroutine and hands
// records over in batches, so that parsing and loading use both cores.
// snapshotKnown says the snapshot cannot change while reading (it is not
// taken from a Bundle). reread says read may be called again: a direct
// load that meets a slot id twice is then redone staged; otherwise (a
// stream) the load is staged from the start.
//
// When open is set (an NDJSON file, which can be read again) and the
// store is DuckDB, the file is first loaded as Slots only, in parallel
// (loadSlotsParallel); at the first resource of another kind that attempt
// is rolled back and the file is read again the general way. hash, when
// set, returns the content hash once it is known (LoadFeedFile hashes
// concurrently); otherwise read sets sum.SHA256.
func (s *Store) loadFeed(ctx context.Context, sum *FeedSummary, opt FeedOptions, read func(feed.Sink) (feed.Stats, error), mtime time.Time,
	open func() (io.ReadCloser, error), hash func() (string, error), ropt feed.Options, reread bool) error {
	if opt.Actor == "" {
		opt.Actor = "unknown"
	}
	if s.d.name() != "duckdb" {
		open = nil
	}
	snapshotKnown := sum.Format != feed.JSON
	if sum.Snapshot.IsZero() && snapshotKnown {
		sum.Snapshot = mtime
	}
	sum.Snapshot = sum.Snapshot.UTC().Truncate(time.Second)
	l := &feedLoad{ctx: ctx, s: s, sum: sum, opt: opt, read: read, mtime: mtime, open: open, hash: hash, ropt: ropt,
		name: filepath.Base(sum.File), snapshotKnown: snapshotKnown, staged: !reread}
	snapshot := sum.Snapshot
	for {
		var before func(*wtx) error
		if l.open != nil {
			before = func(w *wtx) error { return registerSlotFunc(w.c) }
		}
		gen, err := s.writeTx(ctx, famFeed, true, before, l.run)
		if errors.Is(err, errDuplicateSlots) && !l.staged {
			s.log.Debug("feed: a slot id twice, loading again staged", "file", l.name)
			l.staged, sum.Snapshot, sum.Stats = true, snapshot, feed.Stats{}
			continue
		}
		if err != nil {
			return err
		}
		sum.Generation = gen
		return nil
	}
}

// feedLoad is one load of a feed (loadFeed).
type feedLoad struct {
	ctx           context.Context
	s             *Store
	sum           *FeedSummary
	opt           FeedOptions
	read          func(feed.Sink) (feed.Stats, error)
	mtime         time.Time
	open          func() (io.ReadCloser, error)
	hash          func() (string, error)
	ropt          feed.Options
	name          string
	snapshotKnown bool
	staged        bool // never load slots direct
}

func (l *feedLoad) stage(w *wtx) error {
	for i, t := range feedTables {
		if err := w.temp(l.ctx, "stage_"+t.table, stageCols(i)); err != nil {
			return fmt.Errorf("load %s: staging: %w", l.name, err)
		}
	}
	return nil
}

// run loads within the write transaction w.
func (l *feedLoad) run(w *wtx) error {
	ctx, s, sum, name := l.ctx, l.s, l.sum, l.name
	if err := l.stage(w); err != nil {
		return err
	}
	direct := false
	if l.snapshotKnown && !l.staged {
		var old int64
		if err := w.queryRow(ctx, `SELECT count(*) FROM feed_slots WHERE snapshot = ?`, sum.Snapshot).Scan(&old); err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
		direct = old == 0
	}
	began := time.Now()
	parallel := false
	if l.open != nil {
		st, err := s.loadSlotsParallel(ctx, w.c, name, l.open, l.ropt, direct, sum.Snapshot)
		switch {
		case errors.Is(err, feed.ErrNotSlots):
			s.log.Debug("feed: not only slots, reading again", "file", name, "at", err)
			// DuckDB only (open is nil otherwise): the staging tables
			// were made in the transaction rolled back here.
			for _, q := range []string{`ROLLBACK`, `BEGIN TRANSACTION`} {
				if _, err := w.c.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("load %s: %w", name, err)
				}
			}
			if err := l.stage(w); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			parallel, sum.Stats = true, st
		}
	}
	var posts map[string]*postSummary
	if !parallel {
		sink := &rowSink{snapshot: sum.Snapshot, direct: direct}
		targets := make([]copyTarget, len(feedTables))
		for i, t := range feedTables {
			targets[i] = copyTarget{"temp.stage_" + t.table, stageCols(i)}
		}
		if direct {
			targets[slotTable] = copyTarget{"feed_slots", slotCols}
			sink.posts = map[string]*postSummary{}
			posts = sink.posts
		}
		err := s.d.copyMulti(ctx, w.c, targets, func(add func(int, ...driver.Value) error) error {
			sink.add = add
			st, err := pipeline(ctx, l.read, sink)
			sum.Stats = st
			return err
		})
		if direct && s.d.isUniqueViolation(err) {
			return errDuplicateSlots
		}
		if err != nil {
			return err
		}
	}
	if sum.Snapshot.IsZero() || !l.snapshotKnown {
		if !sum.Stats.Snapshot.IsZero() && l.opt.Snapshot.IsZero() {
			sum.Snapshot = sum.Stats.Snapshot.UTC().Truncate(time.Second)
		}
		if sum.Snapshot.IsZero() {
			sum.Snapshot = l.mtime.UTC().Truncate(time.Second)
		}
	}
	if l.hash != nil {
		h, err := l.hash()
		if err != nil {
			return err
		}
		sum.SHA256 = h
	}
	loaded, err := feedLoaded(ctx, w, sum.SHA256, l.opt.Snapshot)
	if err != nil {
		return fmt.Errorf("load %s: %w", name, err)
	}
	if loaded {
		sum.Skipped = true // loaded by a load before this one: roll back
		return errNoWrite
	}
	nslots := sum.Stats.Records[feed.TypeSlot]
	if direct && nslots > 0 && s.d.name() == "duckdb" {
		// feed_slots has no key on DuckDB (see migration 008): count.
		var dups int64
		if err := w.queryRow(ctx, `SELECT count(*) - count(DISTINCT id) FROM feed_slots WHERE snapshot = ?`, sum.Snapshot).Scan(&dups); err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
		if dups > 0 {
			return errDuplicateSlots
		}
	}
	for i, t := range feedTables {
		if sum.Stats.Records[t.typ] == 0 {
			continue
		}
		var err error
		switch {
		case i != slotTable:
			err = upsertStaged(ctx, w, i)
		case direct:
			err = summariseDirect(ctx, w, sum.Snapshot, posts)
		default:
			err = mergeSlots(ctx, w, sum.Snapshot)
		}
		if err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
	}
	var unmapped int64
	for _, n := range sum.Stats.Unmapped {
		unmapped += n
	}
	if _, err := w.exec(ctx, `INSERT INTO feed_files (sha256, name, format, snapshot, records, unmapped, actor, loaded_at, slots, load_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sum.SHA256, name, string(sum.Format), sum.Snapshot, sum.Stats.Total(), unmapped, l.opt.Actor, time.Now().UTC(),
		nslots, loadKey(sum.SHA256, nslots, sum.Snapshot)); err != nil {
		return fmt.Errorf("load %s: record file: %w", name, err)
	}
	s.log.Debug("feed loaded", "file", name, "records", sum.Stats.Total(), "unmapped", unmapped, "direct", direct, "parallel", parallel,
		"read+insert+merge", time.Since(began))
	return nil
}

// upsertStaged moves a staging table into its target by id, the last
// version of each resource in the load winning.
func upsertStaged(ctx context.Context, w *wtx, i int) error {
	t := feedTables[i]
	cols := colNames(t.cols)
	var set []string
	for _, c := range t.cols[1:] {
		set = append(set, c.name+" = excluded."+c.name)
	}
	_, err := w.exec(ctx, fmt.Sprintf(`INSERT INTO %s (%s)
		SELECT %s FROM (SELECT DISTINCT ON (id) %s FROM stage_%s ORDER BY id, seq DESC) s
		ON CONFLICT (id) DO UPDATE SET %s`, t.table, cols, cols, cols, t.table, strings.Join(set, ", ")))
	if err != nil {
		return fmt.Errorf("upsert %s: %w", t.table, err)
	}
	return nil
}

// mergeSlots replaces the staged slots of an existing snapshot by id and
// rebuilds the summary of the posts they touch: those of the new slots and
// those the replaced slots belonged to.
func mergeSlots(ctx context.Context, w *wtx, snapshot time.Time) error {
	cols := colNames(feedTables[slotTable].cols)
	if err := w.tempAs(ctx, "summary_schedules", `SELECT DISTINCT schedule FROM stage_feed_slots
		UNION SELECT DISTINCT f.schedule FROM feed_slots f JOIN stage_feed_slots s ON s.id = f.id WHERE f.snapshot = ?`, snapshot); err != nil {
		return err
	}
	for _, st := range []struct {
		name, sql string
	}{
		{"replace slots", `DELETE FROM feed_slots WHERE snapshot = ? AND id IN (SELECT id FROM stage_feed_slots)`},
		{"insert slots", `INSERT INTO feed_slots (snapshot, ` + cols + `) SELECT ?::TIMESTAMP, ` + cols + `
			FROM (SELECT DISTINCT ON (id) ` + cols + ` FROM stage_feed_slots ORDER BY id, seq DESC) s`},
		{"drop summary", `DELETE FROM feed_slot_posts WHERE snapshot = ? AND schedule IN (SELECT schedule FROM summary_schedules)`},
		{"summarise", w.s.d.stmt(stmtSlotSummary)},
	} {
		if _, err := w.exec(ctx, st.sql, snapshot); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
	}
	return nil
}

var postCols = []column{{"snapshot", tTime}, {"schedule", tText}, {"total", tInt}, {"free", tInt}, {"epgu", tInt},
	{"third_free", tTime}, {"last_free", tTime}, {"first_free", tTime}}

// summariseDirect writes the summary of a new snapshot: computed while the
// slots streamed by (posts), or, after the parallel load where DuckDB's
// threads decode (posts nil), by one aggregate.
func summariseDirect(ctx context.Context, w *wtx, snap time.Time, posts map[string]*postSummary) error {
	if _, err := w.exec(ctx, `DELETE FROM feed_slot_posts WHERE snapshot = ?`, snap); err != nil {
		return fmt.Errorf("drop summary: %w", err)
	}
	if posts == nil {
		if _, err := w.exec(ctx, w.s.d.stmt(stmtSlotSummaryAll), snap); err != nil {
			return fmt.Errorf("summarise: %w", err)
		}
		return nil
	}
	return w.copyIn(ctx, "feed_slot_posts", postCols, func(add func(...driver.Value) error) error {
		for sched, p := range posts {
			if err := add(snap, sched, p.total, p.free, p.epgu, ts(p.third()), ts(p.last), ts(p.firstFree())); err != nil {
				return err
			}
		}
		return nil
	})
}

// postSummary is one post's row of feed_slot_posts being counted: the
// slots starting at or after the snapshot, entered-in-error excluded.
type postSummary struct {
	total, free, epgu int64
	lowest            [3]time.Time // the first three free starts, in order
	last              time.Time
}

func (p *postSummary) add(r *feed.Slot) {
	p.total++
	if r.EPGU {
		p.epgu++
	}
	if r.Status != "free" {
		return
	}
	n := min(p.free, 3) // free starts kept in lowest
	p.free++
	if n == 0 || r.Start.After(p.last) {
		p.last = r.Start
	}
	// Insert into the three lowest, keeping equal starts (as the SQL's
	// third smallest value does).
	k := int(n)
	for k > 0 && r.Start.Before(p.lowest[k-1]) {
		if k < 3 {
			p.lowest[k] = p.lowest[k-1]
		}
		k--
	}
	if k < 3 {
		p.lowest[k] = r.Start
	}
}

func (p *postSummary) firstFree() time.Time {
	if p.free == 0 {
		return time.Time{}
	}
	return p.lowest[0]
}

func (p *postSummary) third() time.Time {
	if p.free < 3 {
		return time.Time{}
	}
	return p.lowest[2]
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

// pipeline runs read in a goroutine and hands its batches to sink here
// (the bulk loader belongs to this goroutine's connection).
func pipeline(ctx context.Context, read func(feed.Sink) (feed.Stats, error), sink *rowSink) (feed.Stats, error) {
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

// rowSink turns records into rows of the load's targets, in feedTables
// order: the staging tables, with a sequence number; in direct mode slots
// go to feed_slots itself, with the snapshot first, and are summarised by
// post on the way.
type rowSink struct {
	add      func(target int, vals ...driver.Value) error
	seq      int64
	snapshot time.Time
	direct   bool
	posts    map[string]*postSummary // direct mode
}

func (a *rowSink) batch(b *batch) error {
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

func (a *rowSink) next() int64 { a.seq++; return a.seq }

func (a *rowSink) Schedule(r *feed.Schedule) error {
	return a.add(0, a.next(), r.ID, r.Active, str(r.OrgUnit), str(r.OrgRef), str(r.Specialty), str(r.Actor))
}

func (a *rowSink) Slot(r *feed.Slot) error {
	if a.direct {
		if !r.Start.Before(a.snapshot) && r.Status != "entered-in-error" {
			p := a.posts[r.Schedule]
			if p == nil {
				p = &postSummary{}
				a.posts[r.Schedule] = p
			}
			p.add(r)
		}
		return a.add(slotTable, a.snapshot, r.ID, r.Schedule, r.Status, r.Start, r.End, str(r.Specialty), r.EPGU)
	}
	return a.add(slotTable, a.next(), r.ID, r.Schedule, r.Status, r.Start, r.End, str(r.Specialty), r.EPGU)
}

func (a *rowSink) Appointment(r *feed.Appointment) error {
	return a.add(2, a.next(), r.ID, r.Status, str(r.OrgUnit), str(r.OrgRef), str(r.Specialty), str(r.Patient), str(r.Slot),
		str(r.Channel), ts(r.Created), ts(r.Start), ts(r.End), ts(r.Updated), str(r.Referral), str(r.CancelReason))
}

func (a *rowSink) Encounter(r *feed.Encounter) error {
	return a.add(3, a.next(), r.ID, r.Status, str(r.OrgUnit), str(r.OrgRef), str(r.Patient), str(r.Appointment), ts(r.Start), ts(r.End))
}

func (a *rowSink) Document(r *feed.Document) error {
	return a.add(4, a.next(), r.ID, r.Status, str(r.OrgUnit), str(r.OrgRef), str(r.Patient), str(r.Encounter), ts(r.Date), ts(r.Registered))
}

func (a *rowSink) Referral(r *feed.Referral) error {
	return a.add(5, a.next(), r.ID, r.Status, str(r.Patient), str(r.Encounter), ts(r.Authored))
}

// FeedCounts returns the number of stored rows per feed table.
func (s *Store) FeedCounts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range append([]string{"feed_files"}, tableNames()...) {
		var n int64
		if err := s.queryRow(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
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
// gives a new snapshot and the records have slots. gen may be called more
// than once and must give the same records each time.
func (s *Store) LoadFeedRecords(ctx context.Context, name, key string, opt FeedOptions, gen func(feed.Sink) (feed.Stats, error)) (FeedSummary, error) {
	start := time.Now()
	sum := FeedSummary{File: name, Format: "synthetic", SHA256: key, Snapshot: opt.Snapshot}
	loaded, err := feedLoaded(ctx, s, key, opt.Snapshot)
	if err != nil || loaded {
		sum.Skipped = loaded
		return sum, err
	}
	err = s.loadFeed(ctx, &sum, opt, gen, time.Now(), nil, nil, feed.Options{}, true)
	sum.Elapsed = time.Since(start)
	return sum, err
}
