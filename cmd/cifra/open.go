package main

import (
	"context"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/store"
)

// openCatalog opens the database and the methodology catalog over it; the
// caller closes the returned store.
func openCatalog(ctx context.Context, g *globals) (*catalog.Catalog, *store.Store, error) {
	st, err := store.Open(ctx, g.db, g.log)
	if err != nil {
		return nil, nil, err
	}
	c, err := catalog.Open(ctx, st, g.log)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return c, st, nil
}

// progress returns a progress callback drawing a bar on w when w is a
// terminal, and nothing otherwise (logs and CI stay clean).
func progress(w io.Writer, title string) (func(done, total int), func()) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return func(int, int) {}, func() {}
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(title),
					progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
			}
			_ = bar.Set(done)
		}, func() {
			if bar != nil {
				_ = bar.Finish()
			}
		}
}
