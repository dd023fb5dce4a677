package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/feed"
)

// pgBin finds a PostgreSQL program on PATH or in Debian's
// /usr/lib/postgresql/<version>/bin.
func pgBin(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if p := filepath.Join(dirs[i], name); fileExists(p) {
			return p
		}
	}
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// runPostgres loads the file into a throwaway PostgreSQL cluster in dir:
// this program parses the NDJSON with Cifra's reader and streams CSV rows
// into `psql -c "COPY … FROM STDIN"`, the table created in the same
// transaction. The timed part is all of it, parse to commit.
func runPostgres(file, dir string) error {
	initdb, pgctl, psql := pgBin("initdb"), pgBin("pg_ctl"), pgBin("psql")
	if initdb == "" || pgctl == "" || psql == "" {
		fmt.Println("note: skipped: PostgreSQL binaries not found (initdb, pg_ctl, psql; apt-get install postgresql)")
		return nil
	}
	// The server refuses to run as root: run it as nobody, on a unix socket
	// in dir.
	var asUser []string
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("nobody"); err != nil {
			fmt.Println("note: skipped: running as root and there is no user nobody to run PostgreSQL as")
			return nil
		}
		asUser = []string{"runuser", "-u", "nobody", "--"}
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if len(asUser) > 0 {
		if err := exec.Command("chown", "-R", "nobody", dir).Run(); err != nil {
			return fmt.Errorf("chown %s: %w", dir, err)
		}
	}
	run := func(args ...string) error {
		cmd := exec.Command(append(asUser, args...)[0], append(asUser, args...)[1:]...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	start := time.Now()
	if err := run(initdb, "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		return err
	}
	if err := run(pgctl, "-D", data, "-w", "-l", filepath.Join(dir, "log"), "-o",
		fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories='%s' -c max_wal_size=4GB", dir), "start"); err != nil {
		return err
	}
	defer run(pgctl, "-D", data, "-m", "fast", "stop") //nolint:errcheck // best effort
	fmt.Printf("postgres: cluster ready in %s (not counted)\n", time.Since(start).Round(time.Millisecond))

	psqlArgs := []string{"-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", dir, "-U", "postgres", "-d", "postgres"}
	start = time.Now()
	cmd := exec.Command(psql, append(psqlArgs,
		"-c", "BEGIN",
		"-c", `CREATE TABLE slots (snapshot timestamp NOT NULL, id text NOT NULL, schedule text NOT NULL, status text NOT NULL,
			start_at timestamp NOT NULL, end_at timestamp NOT NULL, specialty text, epgu boolean NOT NULL)`,
		"-c", `COPY slots FROM STDIN (FORMAT csv)`,
		"-c", "COMMIT")...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	w := bufio.NewWriterSize(stdin, 1<<20)
	st, rerr := feed.ReadFile(context.Background(), file, feed.Options{}, &csvSink{w: w, snapshot: "2026-11-30 06:00:00"})
	rerr = errors.Join(rerr, w.Flush(), stdin.Close())
	if err := errors.Join(rerr, cmd.Wait()); err != nil {
		return fmt.Errorf("postgres COPY: %w", err)
	}
	load := time.Since(start)
	n := st.Total()
	fmt.Printf("postgres COPY (Cifra's parser → CSV → psql COPY FROM STDIN): %d records in %s = %.2f M records/s\n", n, load.Round(time.Millisecond), float64(n)/load.Seconds()/1e6)

	// The same aggregate, timed by psql (\timing: server round trip, not the
	// psql start-up); the first run after the load also sets hint bits.
	for i := range 2 {
		out, err := exec.Command(psql, append(psqlArgs, "-A", "-t", "-c", `\timing on`, "-c", fmt.Sprintf(aggregate, "slots"))...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("postgres aggregate: %w\n%s", err, out)
		}
		m := reTiming.FindStringSubmatch(string(out))
		if m == nil {
			return fmt.Errorf("postgres aggregate: no timing in %q", out)
		}
		ms, _ := strconv.ParseFloat(m[1], 64)
		vals := strings.Split(strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0]), "|")
		if len(vals) == 4 {
			what := "first run"
			if i == 1 {
				what = "second run"
			}
			fmt.Printf("        aggregate (total %s, free %s, ЕПГУ %s, posts %s; %s) in %s\n", vals[0], vals[1], vals[2], vals[3], what,
				time.Duration(ms*float64(time.Millisecond)).Round(time.Microsecond))
		}
	}
	if b, err := os.ReadFile(filepath.Join(data, "postmaster.pid")); err == nil {
		if pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0]); err == nil {
			fmt.Printf("note: server (postmaster %d) memory not in this row's RSS; shared_buffers default\n", pid)
		}
	}
	return nil
}

var reTiming = regexp.MustCompile(`Time: ([0-9.]+) ms`)

// csvSink writes slots as CSV rows of the slots table.
type csvSink struct {
	w        *bufio.Writer
	snapshot string
	buf      []byte
}

func (c *csvSink) Slot(s *feed.Slot) error {
	b := append(c.buf[:0], c.snapshot...)
	b = append(b, ',')
	b = appendCSV(b, s.ID)
	b = append(b, ',')
	b = appendCSV(b, s.Schedule)
	b = append(b, ',')
	b = append(b, s.Status...)
	b = append(b, ',')
	b = s.Start.AppendFormat(b, "2006-01-02 15:04:05.999999")
	b = append(b, ',')
	b = s.End.AppendFormat(b, "2006-01-02 15:04:05.999999")
	b = append(b, ',')
	if s.Specialty != "" {
		b = appendCSV(b, s.Specialty)
	}
	b = append(b, ',')
	b = strconv.AppendBool(b, s.EPGU)
	b = append(b, '\n')
	c.buf = b
	_, err := c.w.Write(b)
	return err
}

func appendCSV(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\n\r") && s != "" {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

func (c *csvSink) Schedule(*feed.Schedule) error       { return nil }
func (c *csvSink) Appointment(*feed.Appointment) error { return nil }
func (c *csvSink) Encounter(*feed.Encounter) error     { return nil }
func (c *csvSink) Document(*feed.Document) error       { return nil }
func (c *csvSink) Referral(*feed.Referral) error       { return nil }
