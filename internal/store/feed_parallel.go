package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/cifra-health/cifra/internal/feed"
)

// The parallel Slot load. A bulk export's Slot file is nearly all of the
// feed's volume, and inserting into DuckDB costs more than parsing: so the
// file is read by a table function, cifra_feed_slots(key), whose DuckDB
// worker threads each take blocks of lines, decode them (feed.Blocks) and
// fill their own chunks, and `INSERT … SELECT` with insertion order not
// preserved lets each thread also compress and write its own row groups.
// Everything stays in the load's transaction, so the file is still loaded
// whole or not at all.

const slotFunc = "cifra_feed_slots"

// slotSources are the sources of running parallel loads, by key: the
// table function is registered once per database and finds its source by
// the key it is called with.
var slotSources = struct {
	sync.Mutex
	next int64
	m    map[int64]*slotSource
}{m: map[int64]*slotSource{}}

type slotSource struct {
	ctx    context.Context
	blocks *feed.Blocks
	// drained is when a thread first found no more slots (unix ns): the
	// rest of the INSERT is DuckDB's tail (the last row groups).
	drained atomic.Int64
}

var slotColumns = func() []duckdb.ColumnInfo {
	t := func(x duckdb.Type) duckdb.TypeInfo {
		ti, err := duckdb.NewTypeInfo(x)
		if err != nil {
			panic(err)
		}
		return ti
	}
	v, ts := t(duckdb.TYPE_VARCHAR), t(duckdb.TYPE_TIMESTAMP)
	return []duckdb.ColumnInfo{{Name: "id", T: v}, {Name: "schedule", T: v}, {Name: "status", T: v},
		{Name: "start_at", T: ts}, {Name: "end_at", T: ts}, {Name: "specialty", T: v}, {Name: "epgu", T: t(duckdb.TYPE_BOOLEAN)}}
}()

func (*slotSource) ColumnInfos() []duckdb.ColumnInfo     { return slotColumns }
func (*slotSource) Cardinality() *duckdb.CardinalityInfo { return nil }
func (*slotSource) Init() duckdb.ParallelTableSourceInfo {
	return duckdb.ParallelTableSourceInfo{MaxThreads: runtime.NumCPU()} // DuckDB caps it at its threads
}
func (s *slotSource) NewLocalState() any { return s.blocks.NewDecoder() }

// FillChunk decodes up to a chunk of Slots on the calling DuckDB thread.
func (s *slotSource) FillChunk(local any, ch duckdb.DataChunk) error {
	dec := local.(*feed.SlotDecoder)
	n := duckdb.GetDataChunkCapacity()
	i := 0
	for ; i < n; i++ {
		r := dec.Next()
		if r == nil {
			break
		}
		err := errors.Join(
			duckdb.SetChunkValue(ch, 0, i, r.ID),
			duckdb.SetChunkValue(ch, 1, i, r.Schedule),
			duckdb.SetChunkValue(ch, 2, i, r.Status),
			duckdb.SetChunkValue(ch, 3, i, r.Start),
			duckdb.SetChunkValue(ch, 4, i, r.End),
			duckdb.SetChunkValue(ch, 6, i, r.EPGU))
		if r.Specialty != "" {
			err = errors.Join(err, duckdb.SetChunkValue(ch, 5, i, r.Specialty))
		} else {
			err = errors.Join(err, duckdb.SetChunkValue[any](ch, 5, i, nil))
		}
		if err != nil {
			return err
		}
	}
	if i == 0 {
		s.drained.CompareAndSwap(0, time.Now().UnixNano())
		// The end, or an error (the query fails on it; the caller reports
		// the Blocks error, which has the file and line).
		if err := s.blocks.Err(); err != nil {
			return err
		}
	}
	return ch.SetSize(i)
}

// registerSlotFunc registers the table function on conn (it is local to
// a connection); call it outside a transaction, where a failure (it exists
// already) aborts nothing.
func registerSlotFunc(conn *sql.Conn) error {
	err := duckdb.RegisterTableUDF(conn, slotFunc, duckdb.ParallelChunkTableFunction{
		Config: duckdb.TableFunctionConfig{Arguments: []duckdb.TypeInfo{slotColumns[0].T}},
		BindArguments: func(_ map[string]any, args ...any) (duckdb.ParallelChunkTableSource, error) {
			key, _ := args[0].(string)
			slotSources.Lock()
			defer slotSources.Unlock()
			var id int64
			if _, err := fmt.Sscan(key, &id); err != nil || slotSources.m[id] == nil {
				return nil, fmt.Errorf("%s: no load %q", slotFunc, key)
			}
			return slotSources.m[id], nil
		},
	})
	if err != nil && strings.Contains(err.Error(), "already exists") {
		return nil
	}
	return err
}

// loadSlotsParallel inserts the Slots of an NDJSON file within the open
// transaction on conn: into feed_slots (direct) or into its staging table.
// It fails with feed.ErrNotSlots at a resource of another kind.
func (s *Store) loadSlotsParallel(ctx context.Context, conn *sql.Conn, name string, open func() (io.ReadCloser, error), ropt feed.Options, direct bool, snapshot time.Time) (feed.Stats, error) {
	r, err := open()
	if err != nil {
		return feed.Stats{}, err
	}
	defer r.Close()
	src := &slotSource{ctx: ctx, blocks: feed.NewBlocks(ctx, r, filepath.Base(name), ropt)}
	slotSources.Lock()
	slotSources.next++
	key := slotSources.next
	slotSources.m[key] = src
	slotSources.Unlock()
	defer func() {
		slotSources.Lock()
		delete(slotSources.m, key)
		slotSources.Unlock()
	}()
	// Each thread writes its own row groups; slots have no order to keep.
	if _, err := conn.ExecContext(ctx, `SET SESSION preserve_insertion_order = false`); err != nil {
		return feed.Stats{}, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `RESET SESSION preserve_insertion_order`) //nolint:errcheck // best effort
	cols := colNames(feedTables[slotTable].cols)
	q := fmt.Sprintf(`INSERT INTO temp.main.stage_feed_slots (%s) SELECT * FROM %s(?)`, cols, slotFunc)
	args := []any{fmt.Sprint(key)}
	if direct {
		q = fmt.Sprintf(`INSERT INTO feed_slots (snapshot, %s) SELECT ?::TIMESTAMP, * FROM %s(?)`, cols, slotFunc)
		args = []any{snapshot, fmt.Sprint(key)}
	}
	began := time.Now()
	_, qerr := conn.ExecContext(ctx, q, args...)
	if d := src.drained.Load(); d != 0 {
		s.log.Debug("feed: parallel slot insert", "file", name, "decoded", time.Unix(0, d).Sub(began), "tail", time.Since(time.Unix(0, d)))
	}
	if err := src.blocks.Err(); err != nil {
		return feed.Stats{}, err // the reader's error has the file and line
	}
	if qerr != nil {
		return feed.Stats{}, fmt.Errorf("load %s: %w", name, qerr)
	}
	return src.blocks.Stats(), nil
}
