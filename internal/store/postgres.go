package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgDialect is the server store: several processes share the database, so
// writers are serialised by the database itself.
type pgDialect struct{}

// pgLockClass is the first key of Cifra's advisory locks ("CIFR"); the
// second is the family.
const pgLockClass = 0x43494652

// GenerationChannel is the PostgreSQL notification channel every commit
// notifies with its new data generation (the payload, in decimal), for
// servers that follow each other's writes.
const GenerationChannel = "cifra_generation"

func (pgDialect) name() string              { return "postgres" }
func (pgDialect) rebind(q string) string    { return rebindDollar(q) }
func (pgDialect) migrationDir() string      { return "migrations/postgres" }
func (pgDialect) stmt(id stmtID) string     { return pgStmts[id] }
func (pgDialect) typeName(t colType) string { return pgTypes[t] }

var pgTypes = map[colType]string{tText: "TEXT", tFloat: "DOUBLE PRECISION", tInt: "BIGINT", tBool: "BOOLEAN", tTime: "TIMESTAMP", tDate: "DATE"}

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// DuckDB file: a postgres:// or postgresql:// URL, or a libpq key=value
// string ("host=/run/postgresql dbname=cifra").
func IsPostgres(dsn string) bool {
	d := strings.TrimSpace(dsn)
	if strings.HasPrefix(d, "postgres://") || strings.HasPrefix(d, "postgresql://") {
		return true
	}
	key, _, ok := strings.Cut(d, "=")
	if !ok {
		return false
	}
	switch strings.TrimSpace(key) {
	case "host", "hostaddr", "port", "dbname", "user", "password", "service", "sslmode", "application_name", "options", "connect_timeout":
		return true
	}
	return false
}

// openPostgres connects through pgx's database/sql driver. The pool is
// kept small: a server needs a few connections (a write, its reads, the
// feed pages), and the CLI beside it as many again; PostgreSQL's default
// limit is 100 for every process together.
func openPostgres(ctx context.Context, dsn string) (*sql.DB, *pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, nil, &OpenError{Message: "адрес базы PostgreSQL не читается: проверьте --db или CIFRA_DB (пример: postgres://cifra@localhost/cifra или postgres:///cifra?host=/run/postgresql)", Err: err}
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	// Timestamps are stored without a zone, in UTC; the session zone only
	// matters to now() and casts, which must agree with that.
	cfg.RuntimeParams["timezone"] = "UTC"
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "cifra"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		where := cfg.Host
		if cfg.Port != 0 && !strings.HasPrefix(cfg.Host, "/") {
			where += ":" + strconv.Itoa(int(cfg.Port))
		}
		return nil, nil, &OpenError{Message: fmt.Sprintf("не удалось подключиться к PostgreSQL (сервер %s, база %s, пользователь %s): "+
			"проверьте, что сервер запущен, база создана и у пользователя есть к ней доступ", where, cfg.Database, cfg.User), Err: err}
	}
	return db, cfg, nil
}

func (d pgDialect) createTemp(ctx context.Context, c *sql.Conn, name string, cols []column) error {
	if _, err := c.ExecContext(ctx, `DROP TABLE IF EXISTS pg_temp.`+name); err != nil {
		return err
	}
	_, err := c.ExecContext(ctx, fmt.Sprintf(`CREATE TEMP TABLE %s (%s)`, name, colDefs(d, cols)))
	return err
}

func (pgDialect) createTempAs(ctx context.Context, c *sql.Conn, name, query string, args ...any) error {
	if _, err := c.ExecContext(ctx, `DROP TABLE IF EXISTS pg_temp.`+name); err != nil {
		return err
	}
	_, err := c.ExecContext(ctx, rebindDollar(fmt.Sprintf(`CREATE TEMP TABLE %s AS %s`, name, query)), pgArgs(args)...)
	if err != nil {
		return err
	}
	// Temporary tables are never analysed by autovacuum: without
	// statistics the planner guesses badly on the joins that follow.
	_, err = c.ExecContext(ctx, `ANALYZE `+name)
	return err
}

func (pgDialect) dropTemp(c *sql.Conn, name string) {
	_, _ = c.ExecContext(context.Background(), `DROP TABLE IF EXISTS pg_temp.`+name)
}

// copyIn streams rows through COPY … FROM STDIN (binary), pgx's CopyFrom.
func (d pgDialect) copyIn(ctx context.Context, c *sql.Conn, table string, cols []column, fill fillFunc) error {
	return d.copyMulti(ctx, c, []copyTarget{{table, cols}}, func(add func(int, ...driver.Value) error) error {
		return fill(func(vals ...driver.Value) error { return add(0, vals...) })
	})
}

// copyMulti loads several tables with COPY, which takes one table at a
// time: the rows of the table that comes first are streamed as they are
// produced, those of the others kept and copied after. A bulk export has
// one resource type a file, so the big one streams; a Bundle mixing types
// is small. fill runs in a goroutine of its own and hands rows over in
// batches; CopyFrom pulls them.
func (pgDialect) copyMulti(ctx context.Context, c *sql.Conn, targets []copyTarget, fill multiFill) error {
	return c.Raw(func(dc any) error {
		conn := dc.(*stdlib.Conn).Conn()
		src := newPushSource(ctx, len(targets), fill)
		var err error
		if first, ok := <-src.first; ok {
			_, err = conn.CopyFrom(ctx, pgIdent(targets[first].table), columnNames(targets[first].cols), src)
		}
		// A record the reader refused fails the COPY too, and the server
		// answers with its own error around the message: the reader's
		// error (a *feed.RecordError naming file, line and field) is the
		// one to return.
		if ferr := src.stop(); ferr != nil {
			return ferr
		}
		if err != nil {
			return err
		}
		for i, rows := range src.kept {
			if len(rows) == 0 {
				continue
			}
			if _, err := conn.CopyFrom(ctx, pgIdent(targets[i].table), columnNames(targets[i].cols), pgx.CopyFromRows(rows)); err != nil {
				return fmt.Errorf("copy %s: %w", targets[i].table, err)
			}
		}
		return nil
	})
}

func pgIdent(table string) pgx.Identifier {
	if t, ok := strings.CutPrefix(table, "temp."); ok {
		return pgx.Identifier{"pg_temp", t}
	}
	return pgx.Identifier{table}
}

// pushSource adapts a multiFill to pgx.CopyFromSource: the rows of the
// first target it produces are streamed (first says which), the others
// kept for afterwards.
type pushSource struct {
	first   chan int
	batches chan [][]any
	done    chan struct{}
	exited  chan struct{}
	kept    [][][]any // by target; complete once exited is closed
	fillErr error
	drained bool
	cur     [][]any
	i       int
}

var errCopyStopped = errors.New("copy stopped")

const pushBatch = 1024

func newPushSource(ctx context.Context, targets int, fill multiFill) *pushSource {
	p := &pushSource{first: make(chan int, 1), batches: make(chan [][]any, 4), done: make(chan struct{}), exited: make(chan struct{}),
		kept: make([][][]any, targets)}
	go func() {
		defer close(p.exited)
		defer close(p.batches)
		streamed := -1
		b := make([][]any, 0, pushBatch)
		send := func() error {
			select {
			case p.batches <- b:
				b = make([][]any, 0, pushBatch)
				return nil
			case <-p.done:
				return errCopyStopped
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := fill(func(t int, vals ...driver.Value) error {
			row := make([]any, len(vals))
			for i, v := range vals {
				if tm, ok := v.(time.Time); ok {
					v = tm.UTC()
				}
				row[i] = v
			}
			if streamed < 0 {
				streamed = t
				p.first <- t
				close(p.first)
			}
			if t != streamed {
				p.kept[t] = append(p.kept[t], row)
				return nil
			}
			b = append(b, row)
			if len(b) == pushBatch {
				return send()
			}
			return nil
		})
		if err == nil && len(b) > 0 {
			err = send()
		}
		if streamed < 0 {
			close(p.first)
		}
		p.fillErr = err
	}()
	return p
}

func (p *pushSource) Next() bool {
	p.i++
	for p.i >= len(p.cur) {
		b, ok := <-p.batches
		if !ok {
			p.drained = true
			return false
		}
		p.cur, p.i = b, 0
	}
	return true
}

func (p *pushSource) Values() ([]any, error) { return p.cur[p.i], nil }

// Err is fill's error once every batch is taken.
func (p *pushSource) Err() error {
	if !p.drained {
		return nil
	}
	<-p.exited
	return p.fillErr
}

// stop ends the producer (when the copy failed first) and returns its
// error.
func (p *pushSource) stop() error {
	close(p.done)
	for range p.batches {
	}
	<-p.exited
	if errors.Is(p.fillErr, errCopyStopped) {
		return nil
	}
	return p.fillErr
}

func (pgDialect) beginWrite(ctx context.Context, c *sql.Conn, fam family) (func(), error) {
	if _, err := c.ExecContext(ctx, `BEGIN`); err != nil {
		return nil, err
	}
	// Held to the end of the transaction: writers of one family take
	// turns across every process on the database, and each sees the
	// commits of those before it (READ COMMITTED takes a new snapshot per
	// statement).
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, int32(pgLockClass), int32(fam)); err != nil {
		_, _ = c.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		return nil, fmt.Errorf("wait for other writers: %w", err)
	}
	return func() {}, nil
}

// bumpGeneration advances the generation and notifies listeners with it
// (delivered at commit). Its row lock orders the commits of every family,
// so writes take it last (see wtx.generation).
func (pgDialect) bumpGeneration(ctx context.Context, c *sql.Conn) (int64, error) {
	var gen int64
	if err := c.QueryRowContext(ctx, `UPDATE data_generation SET generation = generation + 1 WHERE id = 1 RETURNING generation`).Scan(&gen); err != nil {
		return 0, fmt.Errorf("advance generation: %w", err)
	}
	if _, err := c.ExecContext(ctx, `SELECT pg_notify($1, $2)`, GenerationChannel, strconv.FormatInt(gen, 10)); err != nil {
		return 0, fmt.Errorf("notify generation: %w", err)
	}
	return gen, nil
}

func (pgDialect) catchUpSequence(ctx context.Context, c *sql.Conn, seq, table, col string) error {
	_, err := c.ExecContext(ctx, fmt.Sprintf(`SELECT setval('%s', (SELECT coalesce(max(%s), 0) + 1 FROM %s), false)`, seq, col, table))
	return err
}

func (pgDialect) isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// pgArgs puts time arguments in UTC: pgx writes a TIMESTAMP from a
// time.Time's wall clock, whatever its zone.
func pgArgs(args []any) []any {
	for i, a := range args {
		if t, ok := a.(time.Time); ok {
			args[i] = t.UTC()
		}
	}
	return args
}

const pgSummarySelect = `SELECT snapshot, schedule, count(*), count(*) FILTER (WHERE status = 'free'), count(*) FILTER (WHERE epgu),
			(array_agg(start_at ORDER BY start_at) FILTER (WHERE status = 'free'))[3], max(start_at) FILTER (WHERE status = 'free'),
			min(start_at) FILTER (WHERE status = 'free')
		FROM feed_slots WHERE snapshot = $1 AND start_at >= snapshot AND status <> 'entered-in-error'`

var pgStmts = map[stmtID]string{
	stmtSlotSummary: `INSERT INTO feed_slot_posts (snapshot, schedule, total, free, epgu, third_free, last_free, first_free)
		` + pgSummarySelect + ` AND schedule IN (SELECT schedule FROM summary_schedules)
		GROUP BY snapshot, schedule`,
	stmtSlotSummaryAll: `INSERT INTO feed_slot_posts (snapshot, schedule, total, free, epgu, third_free, last_free, first_free)
		` + pgSummarySelect + ` GROUP BY snapshot, schedule`,
	stmtAvailRows: `SELECT p.schedule, coalesce(sc.org_unit, ''), coalesce(sc.specialty, ''), coalesce(sc.active, true),
			p.total, p.free, p.epgu, (extract(epoch FROM p.first_free) * 1000000)::BIGINT,
			(extract(epoch FROM p.third_free) * 1000000)::BIGINT, (extract(epoch FROM p.last_free) * 1000000)::BIGINT
		FROM feed_slot_posts p LEFT JOIN feed_schedules sc ON sc.id = p.schedule
		WHERE p.snapshot = $1`,
}
