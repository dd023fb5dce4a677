// Command webload is a small closed-loop HTTP load generator: -c clients
// each request the -url list in turn for -d, then it reports latency
// percentiles and errors per URL and overall.
//
//	go run ./bench/webload -url http://127.0.0.1:18080/,http://127.0.0.1:18080/map -c 100 -d 60s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

type sample struct {
	url string
	dur time.Duration
	err bool
}

func main() {
	urls := flag.String("url", "http://127.0.0.1:18080/", "comma-separated URLs to request in turn")
	clients := flag.Int("c", 100, "concurrent clients")
	dur := flag.Duration("d", 60*time.Second, "test duration")
	warm := flag.Bool("warm", true, "request every URL once before measuring (fills server caches)")
	flag.Parse()
	list := strings.Split(*urls, ",")
	for i := range list {
		list[i] = strings.TrimSpace(list[i])
	}
	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: *clients * 2, MaxIdleConnsPerHost: *clients * 2, IdleConnTimeout: time.Minute},
	}
	if *warm {
		for _, u := range list {
			if _, err := fetch(context.Background(), client, u); err != nil {
				fmt.Fprintf(os.Stderr, "warm-up %s: %v\n", u, err)
				os.Exit(1)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	results := make([][]sample, *clients)
	errMsgs := sync.Map{}
	var wg sync.WaitGroup
	start := time.Now()
	for c := range *clients {
		wg.Go(func() {
			for i := c; ctx.Err() == nil; i++ {
				u := list[i%len(list)]
				t0 := time.Now()
				status, err := fetch(ctx, client, u)
				if ctx.Err() != nil {
					return // the deadline cut this request short; not a server error
				}
				s := sample{url: u, dur: time.Since(t0)}
				if err != nil || status != http.StatusOK {
					s.err = true
					errMsgs.Store(fmt.Sprintf("%s: status %d %v", u, status, err), true)
				}
				results[c] = append(results[c], s)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	byURL := map[string][]time.Duration{}
	errs := map[string]int{}
	var all []time.Duration
	total, totalErr := 0, 0
	for _, rs := range results {
		for _, s := range rs {
			total++
			if s.err {
				totalErr++
				errs[s.url]++
			}
			byURL[s.url] = append(byURL[s.url], s.dur)
			all = append(all, s.dur)
		}
	}
	fmt.Printf("%d clients, %s, %d requests (%.0f req/s), %d errors\n", *clients, elapsed.Round(time.Millisecond), total, float64(total)/elapsed.Seconds(), totalErr)
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "requests\terrors\tp50 ms\tp95 ms\tp99 ms\tmax ms\turl\t")
	for _, u := range list {
		row(tw, byURL[u], errs[u], u)
	}
	row(tw, all, totalErr, "all")
	tw.Flush()
	errMsgs.Range(func(k, _ any) bool {
		fmt.Println("error:", k)
		return true
	})
	if totalErr > 0 {
		os.Exit(1)
	}
}

func fetch(ctx context.Context, c *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

func row(w io.Writer, ds []time.Duration, errs int, name string) {
	slices.Sort(ds)
	fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t\n", len(ds), errs, pct(ds, 0.50), pct(ds, 0.95), pct(ds, 0.99), pct(ds, 1), name)
}

// pct is the nearest-rank percentile of sorted durations, in milliseconds.
func pct(sorted []time.Duration, p float64) string {
	if len(sorted) == 0 {
		return "—"
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	i = min(max(i, 0), len(sorted)-1)
	return fmt.Sprintf("%.1f", float64(sorted[i].Microseconds())/1000)
}
