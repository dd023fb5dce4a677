package controlsock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func start(t *testing.T, run Runner) (string, context.CancelFunc) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cifra.duckdb.sock")
	s, err := Listen(path, run, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return path, cancel
}

func TestForward(t *testing.T) {
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("строка\n", 200_000) // 1.4 MB: many frames
	path, _ := start(t, func(ctx context.Context, peer Peer, req Request, stdout, stderr io.Writer) int {
		fmt.Fprintf(stdout, "%s %s %s\n", peer.Actor(), req.Dir, strings.Join(req.Args, "|"))
		io.WriteString(stdout, big)
		fmt.Fprintln(stderr, "предупреждение")
		return 3
	})
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.Mode()&os.ModeSocket == 0 {
		t.Errorf("socket mode %v, want an owner-only socket", fi.Mode())
	}
	var out, errb bytes.Buffer
	code, err := Forward(context.Background(), path, Request{Args: []string{"rating", "--format", "json"}, Dir: "/tmp"}, &out, &errb)
	if err != nil {
		t.Fatal(err)
	}
	if code != 3 {
		t.Errorf("exit %d, want 3", code)
	}
	head, rest, _ := strings.Cut(out.String(), "\n")
	if want := "local:" + me.Username + " /tmp rating|--format|json"; head != want {
		t.Errorf("first line %q, want %q", head, want)
	}
	if rest != big {
		t.Errorf("stdout body %d bytes, want %d intact", len(rest), len(big))
	}
	if errb.String() != "предупреждение\n" {
		t.Errorf("stderr %q", errb.String())
	}
}

func TestNoServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.sock")
	if _, err := Forward(context.Background(), path, Request{}, io.Discard, io.Discard); !errors.Is(err, ErrNoServer) {
		t.Errorf("no socket: %v, want ErrNoServer", err)
	}
	// A socket file left by a killed server: nobody answers.
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatal("the stale socket file should remain:", err)
	}
	if _, err := Forward(context.Background(), path, Request{}, io.Discard, io.Discard); !errors.Is(err, ErrNoServer) {
		t.Errorf("stale socket: %v, want ErrNoServer", err)
	}
	// A new server replaces it.
	s, err := Listen(path, func(context.Context, Peer, Request, io.Writer, io.Writer) int { return 0 }, nil)
	if err != nil {
		t.Fatalf("listen over a stale socket: %v", err)
	}
	s.Close()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Close left the socket: %v", err)
	}
}

func TestSecondServerRefused(t *testing.T) {
	path, _ := start(t, func(context.Context, Peer, Request, io.Writer, io.Writer) int { return 0 })
	if _, err := Listen(path, nil, nil); err == nil || !strings.Contains(err.Error(), "another server") {
		t.Errorf("second Listen: %v", err)
	}
	if !Alive(path) {
		t.Error("the first server no longer answers after the refused second")
	}
}

// The client going away (Ctrl+C) cancels the command in the server.
func TestClientCancels(t *testing.T) {
	cancelled := make(chan struct{})
	path, _ := start(t, func(ctx context.Context, _ Peer, _ Request, stdout, _ io.Writer) int {
		fmt.Fprintln(stdout, "started")
		select {
		case <-ctx.Done():
			close(cancelled)
		case <-time.After(10 * time.Second):
		}
		return 1
	})
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	go func() {
		buf := make([]byte, 8)
		pr.Read(buf) // the first output: the command runs
		cancel()
	}()
	if _, err := Forward(ctx, path, Request{Args: []string{"import"}}, pw, io.Discard); !errors.Is(err, context.Canceled) {
		t.Errorf("Forward after cancel: %v", err)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the server-side command was not cancelled when the client left")
	}
}

// FuzzFrames feeds arbitrary server bytes to the client's decoder: it
// returns an exit code or an error, never panics, and copies no more than
// it was sent.
func FuzzFrames(f *testing.F) {
	var ok bytes.Buffer
	w := &frameWriter{c: &ok}
	io.WriteString(w.stream(kindStdout), "вывод\n")
	io.WriteString(w.stream(kindStderr), "ошибка\n")
	w.frame(kindExit, []byte{0, 0, 0, 2})
	f.Add(ok.Bytes())
	f.Add([]byte{kindExit, 0, 0, 0, 3, 0, 0})
	f.Add([]byte{kindStdout, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{9})
	f.Fuzz(func(t *testing.T, b []byte) {
		var out, errb bytes.Buffer
		code, err := readFrames(bytes.NewReader(b), &out, &errb)
		if out.Len()+errb.Len() > len(b) {
			t.Fatalf("copied %d bytes from %d", out.Len()+errb.Len(), len(b))
		}
		if err == nil && code != 0 && !bytes.Contains(b, []byte{kindExit, 0, 0, 0, 4}) {
			t.Fatalf("exit %d without an exit frame", code)
		}
	})
}
