package scratch

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func TestGenConflict(t *testing.T) {
	db, _ := sql.Open("duckdb", filepath.Join(t.TempDir(), "x.db"))
	defer db.Close()
	ctx := context.Background()
	db.Exec(`CREATE TABLE g (id INTEGER PRIMARY KEY, v BIGINT)`)
	db.Exec(`INSERT INTO g VALUES (1, 0)`)
	a, _ := db.Conn(ctx)
	b, _ := db.Conn(ctx)
	a.ExecContext(ctx, "BEGIN")
	b.ExecContext(ctx, "BEGIN")
	b.ExecContext(ctx, "SELECT v FROM g")
	_, err := a.ExecContext(ctx, "UPDATE g SET v = v + 1")
	t.Log("a update", err)
	_, err = a.ExecContext(ctx, "COMMIT")
	t.Log("a commit", err)
	_, err = b.ExecContext(ctx, "UPDATE g SET v = v + 1")
	t.Log("b update", err)
	_, err = b.ExecContext(ctx, "COMMIT")
	t.Log("b commit", err)
	var v int
	db.QueryRow("SELECT v FROM g").Scan(&v)
	t.Log("final", v)
	db.Exec("CREATE SEQUENCE sq START 1")
	a.ExecContext(ctx, "BEGIN")
	var n int
	a.QueryRowContext(ctx, "SELECT nextval('sq')").Scan(&n)
	a.ExecContext(ctx, "ROLLBACK")
	db.QueryRow("SELECT nextval('sq')").Scan(&n)
	t.Log("after rollback nextval", n)
}

func TestPKImport(t *testing.T) {
	db, _ := sql.Open("duckdb", filepath.Join(t.TempDir(), "x.db"))
	defer db.Close()
	for _, pk := range []string{"", ", PRIMARY KEY (data_element, period, org_unit)"} {
		db.Exec(`DROP TABLE IF EXISTS dv`)
		db.Exec(`CREATE TABLE dv (data_element VARCHAR, period VARCHAR, org_unit VARCHAR, value DOUBLE, comment VARCHAR` + pk + `)`)
		db.Exec(`CREATE OR REPLACE TABLE st AS SELECT 'de' || (i % 48) AS data_element, '2020Q' || (i // 48 % 4 + 1) AS period, 'ou' || (i // 192) AS org_unit, random() AS value, NULL::VARCHAR AS comment FROM range(1000000) t(i)`)
		t0 := time.Now()
		_, err := db.Exec(`INSERT INTO dv SELECT * FROM st`)
		t.Log(pk != "", "insert 1M", time.Since(t0), err)
		t0 = time.Now()
		_, err = db.Exec(`INSERT INTO dv SELECT data_element, period, org_unit, value+1, comment FROM st ON CONFLICT (data_element, period, org_unit) DO UPDATE SET value = excluded.value`)
		t.Log(pk != "", "upsert 1M existing", time.Since(t0), err)
		t0 = time.Now()
		_, err = db.Exec(`UPDATE dv SET value = st.value + 2 FROM st WHERE dv.data_element = st.data_element AND dv.period = st.period AND dv.org_unit = st.org_unit`)
		t.Log(pk != "", "update 1M", time.Since(t0), err)
		// delete + reinsert same key in one tx
		tx, _ := db.Begin()
		_, err = tx.Exec(`DELETE FROM dv WHERE org_unit = 'ou1'`)
		_, err2 := tx.Exec(`INSERT INTO dv SELECT * FROM st WHERE org_unit = 'ou1'`)
		t.Log("delete+reinsert", err, err2, tx.Commit())
	}
}

func TestPKSlots(t *testing.T) {
	db, _ := sql.Open("duckdb", filepath.Join(t.TempDir(), "x.db"))
	defer db.Close()
	db.Exec(`SET memory_limit = '512MB'`)
	for _, pk := range []string{"", ", PRIMARY KEY (snapshot, id)"} {
		db.Exec(`DROP TABLE IF EXISTS s`)
		db.Exec(`CREATE TABLE s (snapshot TIMESTAMP, id VARCHAR, schedule VARCHAR, status VARCHAR, start_at TIMESTAMP, end_at TIMESTAMP, specialty VARCHAR, epgu BOOLEAN` + pk + `)`)
		t0 := time.Now()
		_, err := db.Exec(`INSERT INTO s SELECT TIMESTAMP '2026-11-30 06:00:00', 'slot-' || i, 'sch-' || (i // 400), 'free', TIMESTAMP '2026-12-01', TIMESTAMP '2026-12-01', NULL, i % 2 = 0 FROM range(10000000) t(i)`)
		t.Log(pk != "", "insert 10M", time.Since(t0), err)
		db.Exec("CHECKPOINT")
	}
}

func TestConcurrentInsertSameKey(t *testing.T) {
	db, _ := sql.Open("duckdb", filepath.Join(t.TempDir(), "x.db"))
	defer db.Close()
	db.Exec(`CREATE TABLE k (id VARCHAR PRIMARY KEY, v INT)`)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tx, _ := db.Begin()
			_, err := tx.Exec(`INSERT INTO k VALUES ('a', ?)`, i)
			time.Sleep(100 * time.Millisecond)
			t.Log(i, err, tx.Commit())
		}()
	}
	wg.Wait()
}
