// Command feed benchmarks slot ingest: it generates a FHIR Slot NDJSON
// file and loads it, each contender in a child process so that peak memory
// is measured per contender, with
//
//   - cifra: Cifra's load (cifra feed load's code path, store.LoadFeedFile);
//   - duckdb: DuckDB's own read_json into a table of the same shape;
//   - postgres: PostgreSQL (a throwaway cluster in -dir, run as user
//     nobody on a unix socket): this program parses the NDJSON with Cifra's
//     reader and streams CSV rows into `psql -c "COPY slots FROM STDIN"`,
//     table created in the same transaction; the time is all of it (parse,
//     pipe, COPY, commit). Skipped with a message when initdb, pg_ctl or
//     psql are not found;
//   - baseline: with -baseline BIN, another build of this program's cifra
//     leg (e.g. the previous commit's), for a side-by-side ratio;
//
// and runs the same aggregate on each table, then prints one table.
//
//	go run ./bench/feed -n 10000000 -dir /tmp/feedbench [-baseline /tmp/old-feedbench]
package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/slots"
	"github.com/cifra-health/cifra/internal/store"
)

const aggregate = `SELECT count(*), count(*) FILTER (WHERE status = 'free'), count(*) FILTER (WHERE epgu), count(DISTINCT schedule) FROM %s`

func main() {
	n := flag.Int("n", 1_000_000, "slot records")
	dir := flag.String("dir", os.TempDir()+"/cifra-feedbench", "work directory")
	mode := flag.String("mode", "all", "all | gen | cifra | duckdb | postgres | dashboard")
	baseline := flag.String("baseline", "", "another build of this program whose cifra leg runs as the baseline")
	legs := flag.String("legs", "cifra,duckdb,postgres", "contenders for -mode all (baseline is added by -baseline)")
	memLimit := flag.String("memory-limit", "512MB", "DuckDB memory_limit for both contenders")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of this process")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	file := filepath.Join(*dir, fmt.Sprintf("Slot-%d.ndjson", *n))
	var err error
	switch *mode {
	case "gen":
		err = generate(file, *n)
	case "cifra":
		err = runCifra(file, filepath.Join(*dir, "cifra.duckdb"), *memLimit)
	case "duckdb":
		err = runDuckDB(file, filepath.Join(*dir, "readjson.duckdb"), *memLimit)
	case "postgres":
		err = runPostgres(file, filepath.Join(*dir, "pg"))
	case "dashboard":
		err = dashboard(filepath.Join(*dir, "dashboard.duckdb"), *n, *memLimit)
	case "all":
		err = all(file, *dir, *n, *memLimit, *baseline, strings.Split(*legs, ","))
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "feedbench:", err)
		os.Exit(1)
	}
}

func all(file, dir string, n int, memLimit, baseline string, legs []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if _, err := os.Stat(file); err != nil {
		start := time.Now()
		if err := generate(file, n); err != nil {
			return err
		}
		fmt.Printf("generated %s in %s\n", file, time.Since(start).Round(time.Millisecond))
	}
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	if baseline != "" {
		legs = append([]string{"baseline"}, legs...)
	}
	load1, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("file: %d records, %.0f MiB; %d CPUs; load average before: %s", n, float64(fi.Size())/(1<<20), runtime.NumCPU(), load1)
	type row struct {
		name, note      string
		load, wall, agg time.Duration
		rss, user, sys  float64
		ok              bool
	}
	var rows []row
	for _, m := range legs {
		for _, f := range []string{"cifra.duckdb", "readjson.duckdb"} {
			os.Remove(filepath.Join(dir, f))
			os.Remove(filepath.Join(dir, f+".wal"))
		}
		bin, mode := os.Args[0], m
		if m == "baseline" {
			bin, mode = baseline, "cifra"
		}
		var out strings.Builder
		cmd := exec.Command(bin, "-mode", mode, "-n", strconv.Itoa(n), "-dir", dir, "-memory-limit", memLimit)
		cmd.Stdout, cmd.Stderr = io.MultiWriter(os.Stdout, &out), os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
		r := row{name: m, wall: time.Since(start)}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		r.rss = float64(ru.Maxrss) / 1024
		r.user, r.sys = time.Duration(ru.Utime.Nano()).Seconds(), time.Duration(ru.Stime.Nano()).Seconds()
		// The legs print "… records in <duration> = …" and "aggregate (…) in <duration>".
		for _, line := range strings.Split(out.String(), "\n") {
			if mm := reLoad.FindStringSubmatch(line); mm != nil {
				r.load, _ = time.ParseDuration(mm[1])
				r.ok = true
			}
			if mm := reAgg.FindStringSubmatch(line); mm != nil {
				r.agg, _ = time.ParseDuration(mm[1])
			}
			if mm := reNote.FindStringSubmatch(line); mm != nil {
				r.note = mm[1]
			}
		}
		rows = append(rows, r)
	}
	load2, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("\n%d slot records (%.0f MiB NDJSON); load average after: %s", n, float64(fi.Size())/(1<<20), load2)
	fmt.Printf("%-9s %10s %10s %12s %10s %9s %9s %10s  %s\n", "contender", "load", "M rec/s", "aggregate", "wall", "user s", "sys s", "peak RSS", "note")
	for _, r := range rows {
		if !r.ok {
			fmt.Printf("%-9s %10s %10s %12s %10s %9s %9s %10s  %s\n", r.name, "-", "-", "-", "-", "-", "-", "-", r.note)
			continue
		}
		fmt.Printf("%-9s %10s %10.3f %12s %10s %9.1f %9.1f %6.0f MiB  %s\n", r.name, r.load.Round(time.Millisecond), float64(n)/r.load.Seconds()/1e6,
			r.agg.Round(time.Microsecond), r.wall.Round(time.Millisecond), r.user, r.sys, r.rss, r.note)
	}
	return nil
}

var (
	reLoad = regexp.MustCompile(`records in (\S+) =`)
	reAgg  = regexp.MustCompile(`aggregate \(.*\) in (\S+)`)
	reNote = regexp.MustCompile(`^note: (.*)`)
)

// generate writes n Slot resources as a bulk export would: 40 slots a day
// per schedule, a third free, half open to ЕПГУ.
func generate(file string, n int) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.FixedZone("", 3*3600))
	status := []string{"free", "busy", "busy", "busy-unavailable", "free", "busy"}
	for i := range n {
		sched := i / 400
		start := base.Add(time.Duration(i%400/40)*24*time.Hour + time.Duration(i%40)*15*time.Minute)
		tag := ""
		if i%2 == 0 {
			tag = `"meta":{"tag":[{"system":"https://cifra.health/fhir/CodeSystem/booking-channel","code":"epgu"}]},`
		}
		fmt.Fprintf(w, `{"resourceType":"Slot","id":"slot-%d",%s"schedule":{"reference":"Schedule/sch-%d"},"status":"%s","start":"%s","end":"%s"}`+"\n",
			i, tag, sched, status[i%len(status)], start.Format(time.RFC3339), start.Add(15*time.Minute).Format(time.RFC3339))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func runCifra(file, db, memLimit string) error {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	if os.Getenv("FEEDBENCH_DEBUG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	st, err := store.Open(ctx, db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.DB().Exec(`SET memory_limit = '` + memLimit + `'`); err != nil {
		return err
	}
	start := time.Now()
	sum, err := st.LoadFeedFile(ctx, file, store.FeedOptions{Actor: "bench", Snapshot: time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)})
	if err != nil {
		return err
	}
	load := time.Since(start)
	n := sum.Stats.Total()
	fmt.Printf("cifra   load: %d records in %s = %.2f M records/s\n", n, load.Round(time.Millisecond), float64(n)/load.Seconds()/1e6)
	return query(st.DB(), "feed_slots")
}

func runDuckDB(file, db, memLimit string) error {
	sqldb, err := sql.Open("duckdb", db)
	if err != nil {
		return err
	}
	defer sqldb.Close()
	if _, err := sqldb.Exec(`SET memory_limit = '` + memLimit + `'`); err != nil {
		return err
	}
	start := time.Now()
	// The same table shape as feed_slots.
	if _, err := sqldb.Exec(`CREATE TABLE slots AS SELECT TIMESTAMP '2026-11-30 06:00:00' AS snapshot, id,
		replace(schedule.reference, 'Schedule/', '') AS schedule, status,
		CAST("start" AS TIMESTAMPTZ)::TIMESTAMP AS start_at, CAST("end" AS TIMESTAMPTZ)::TIMESTAMP AS end_at, NULL::VARCHAR AS specialty,
		coalesce(list_contains(list_transform(meta.tag, t -> t.code), 'epgu'), false) AS epgu
		FROM read_json(?, format = 'newline_delimited')`, file); err != nil {
		return err
	}
	load := time.Since(start)
	var n int64
	if err := sqldb.QueryRow(`SELECT count(*) FROM slots`).Scan(&n); err != nil {
		return err
	}
	fmt.Printf("duckdb  read_json: %d records in %s = %.2f M records/s\n", n, load.Round(time.Millisecond), float64(n)/load.Seconds()/1e6)
	return query(sqldb, "slots")
}

func query(db *sql.DB, table string) error {
	start := time.Now()
	var total, free, epgu, posts int64
	if err := db.QueryRow(fmt.Sprintf(aggregate, table)).Scan(&total, &free, &epgu, &posts); err != nil {
		return err
	}
	fmt.Printf("        aggregate (total %d, free %d, ЕПГУ %d, posts %d) in %s\n", total, free, epgu, posts, time.Since(start).Round(time.Microsecond))
	return nil
}

// dashboard fills feed_slots with n synthetic rows of one snapshot (by SQL,
// 400 slots a post, posts spread over 2,400 МО in 85 regions) and times
// the region × specialty dashboard query.
func dashboard(db string, n int, memLimit string) error {
	ctx := context.Background()
	st, err := store.Open(ctx, db, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.DB().Exec(`SET memory_limit = '` + memLimit + `'`); err != nil {
		return err
	}
	snap := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	var have int64
	if err := st.DB().QueryRow(`SELECT count(*) FROM feed_slots`).Scan(&have); err != nil {
		return err
	}
	// МО hang under the real regions, so that the hierarchy loads.
	ref, err := orgunit.Reference()
	if err != nil {
		return err
	}
	var isos []string
	for _, r := range ref.AtLevel(orgunit.Region) {
		isos = append(isos, "'"+r.Code+"'")
	}
	regionList := "[" + strings.Join(isos, ", ") + "]"
	if have != int64(n) {
		start := time.Now()
		for _, q := range []string{
			`DELETE FROM feed_slots`, `DELETE FROM feed_slot_posts`, `DELETE FROM feed_schedules`, `DELETE FROM org_units`,
			`INSERT INTO org_units (code, parent, level, name) SELECT '1.2.643.5.1.13.13.12.2.' || (i % 85 + 1) || '.' || (1000 + i), ` + regionList + `[i % 85 + 1], ` + strconv.Itoa(int(orgunit.Organisation)) + `, 'МО ' || i FROM range(2400) t(i)`,
			fmt.Sprintf(`INSERT INTO feed_schedules SELECT 'sch-' || i, true, '1.2.643.5.1.13.13.12.2.' || (i %% 2400 %% 85 + 1) || '.' || (1000 + i %% 2400), NULL,
				['therapist', 'pediatrician', 'gp', 'cardiology', 'neurology'][i // 2400 %% 5 + 1], NULL FROM range(%d) t(i)`, n/400+1),
			fmt.Sprintf(`INSERT INTO feed_slots SELECT TIMESTAMP '2026-11-30 06:00:00', 'slot-' || i, 'sch-' || (i // 400),
				['free', 'busy', 'busy', 'busy-unavailable', 'free', 'busy'][i %% 6 + 1],
				TIMESTAMP '2026-12-01 05:00:00' + to_minutes((i %% 400 // 40) * 1440 + (i %% 40) * 15),
				TIMESTAMP '2026-12-01 05:15:00' + to_minutes((i %% 400 // 40) * 1440 + (i %% 40) * 15), NULL, i %% 2 = 0
				FROM range(%d) t(i)`, n),
			`CHECKPOINT`,
		} {
			if _, err := st.DB().Exec(q); err != nil {
				return fmt.Errorf("%.40s: %w", q, err)
			}
		}
		fmt.Printf("dashboard: generated %d slot rows in %s\n", n, time.Since(start).Round(time.Millisecond))
	}
	var best time.Duration
	var rows []store.DashboardRow
	// The first run builds the per-post summary of the snapshot.
	for i := range 6 {
		start := time.Now()
		rows, err = st.FeedDashboard(ctx, snap)
		if err != nil {
			return err
		}
		if d := time.Since(start); i == 1 || (i > 1 && d < best) {
			best = d
		}
		fmt.Printf("dashboard: run %d %s\n", i+1, time.Since(start).Round(time.Millisecond))
	}
	fmt.Printf("dashboard: %d slot rows → %d region × specialty cells, first (builds the summary) then best of 5: %s\n", n, len(rows), best.Round(time.Millisecond))
	// The /slots page's path: FeedAvailability over the same summary, by
	// region and specialty, with the Go measures (time zones, medians).
	h, err := st.Hierarchy(ctx)
	if err != nil {
		return err
	}
	regionOf := func(ou string) string { // the bench's МО codes end in .<region>.<n>
		parts := strings.Split(ou, ".")
		if len(parts) < 2 {
			return ""
		}
		return parts[len(parts)-2]
	}
	best = 0
	var cells int
	for i := range 4 {
		start := time.Now()
		av, err := st.FeedAvailability(ctx, snap, h, func(p slots.Post) string { return regionOf(p.OrgUnit) + "|" + p.Specialty })
		if err != nil {
			return err
		}
		if d := time.Since(start); i == 0 || d < best {
			best = d
		}
		cells = len(av)
		fmt.Printf("availability: run %d %s\n", i+1, time.Since(start).Round(time.Millisecond))
	}
	fmt.Printf("availability: %d slot rows → %d region × specialty cells (the /slots page's computation), best of 4: %s\n", n, cells, best.Round(time.Millisecond))
	return nil
}
