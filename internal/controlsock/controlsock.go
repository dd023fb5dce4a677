// Package controlsock lets CLI commands run inside a running server.
//
// An embedded DuckDB file admits one process, so while `cifra serve` holds
// it no other process can open it. The server therefore listens on a unix
// socket beside the database; a CLI invocation that finds the socket sends
// its arguments there and the server runs them against the store it already
// has open, streaming the output back. Whoever may connect to the socket may
// act: the socket is created with mode 0600 (owner only; an operator widens
// it with the directory's group if a team shares the server), and the peer's
// operating-system account, read from the kernel (SO_PEERCRED), is the actor
// recorded in the audit trail.
//
// The wire format is deliberately small: the client sends one JSON request
// line; the server answers with frames of one kind byte, a 4-byte big-endian
// length and the payload, ending with an exit frame carrying the exit code.
package controlsock

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Path is the socket of the database at dbPath.
func Path(dbPath string) string { return dbPath + ".sock" }

// Request is one CLI invocation.
type Request struct {
	Args []string `json:"args"`
	// Dir is the client's working directory: relative file names in Args
	// are resolved against it by the command.
	Dir string `json:"dir"`
}

// Peer is the operating-system account on the other end of the socket.
type Peer struct {
	UID, PID int
	User     string // login name, or the uid when it has none
}

// Actor is the peer as the audit trail names it.
func (p Peer) Actor() string { return "local:" + p.User }

// Runner runs one invocation, writing to stdout and stderr, and returns
// the exit code. ctx ends when the client goes away.
type Runner func(ctx context.Context, peer Peer, req Request, stdout, stderr io.Writer) int

// Frame kinds.
const (
	kindStdout byte = 1
	kindStderr byte = 2
	kindExit   byte = 3
)

// maxRequest bounds the request line: arguments, not data.
const maxRequest = 1 << 20

// Server accepts invocations on a socket until its context ends.
type Server struct {
	path string
	ln   *net.UnixListener
	run  Runner
	log  *slog.Logger
	wg   sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
}

// Listen creates the socket at path. A stale socket left by a killed server
// is replaced; a live one (another server on the same database) is an
// error.
func Listen(path string, run Runner, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if Alive(path) {
		return nil, fmt.Errorf("control socket %s: another server answers on it", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("control socket %s: remove stale socket: %w", path, err)
	}
	// Bound inside a fresh owner-only directory, made owner-only itself and
	// only then moved into place: nobody else can connect in between (a
	// umask would do it too, but it is process-wide).
	dir, err := os.MkdirTemp(filepath.Dir(path), ".cifra-sock-")
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	return &Server{path: path, ln: ln, run: run, log: log}, nil
}

// Serve accepts connections until ctx ends, then closes the socket and
// waits for the invocations under way (their contexts are cancelled).
func (s *Server) Serve(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	for {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			s.Close()
			s.wg.Wait()
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("control socket %s: %w", s.path, err)
		}
		s.wg.Go(func() { s.handle(ctx, c) })
	}
}

// Close stops accepting and removes the socket; Serve returns once the
// invocations under way finish.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = s.ln.Close()
		if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.closeErr = errors.Join(s.closeErr, err)
		}
	})
	return s.closeErr
}

func (s *Server) handle(ctx context.Context, c *net.UnixConn) {
	defer c.Close()
	peer, err := peerOf(c)
	if err != nil {
		s.log.Warn("control socket: peer credentials", "err", err)
		return
	}
	line, err := bufio.NewReader(io.LimitReader(c, maxRequest)).ReadBytes('\n')
	if err != nil {
		s.log.Warn("control socket: request", "peer", peer.Actor(), "err", err)
		return
	}
	var req Request
	if err := json.Unmarshal(line, &req); err != nil {
		s.log.Warn("control socket: request", "peer", peer.Actor(), "err", err)
		return
	}
	// The client's end closing (Ctrl+C) cancels the command: a read that
	// returns means the client is gone, since it sends nothing more.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		var b [1]byte
		c.Read(b[:])
		cancel()
	}()
	w := &frameWriter{c: c}
	start := time.Now()
	code := s.run(ctx, peer, req, w.stream(kindStdout), w.stream(kindStderr))
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(int32(code)))
	w.frame(kindExit, b[:])
	s.log.Info("control socket command", "peer", peer.Actor(), "pid", peer.PID, "args", req.Args, "exit", code, "duration", time.Since(start).Round(time.Millisecond))
}

func peerOf(c *net.UnixConn) (Peer, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return Peer{}, err
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return Peer{}, err
	}
	if cerr != nil {
		return Peer{}, cerr
	}
	p := Peer{UID: int(cred.Uid), PID: int(cred.Pid), User: strconv.Itoa(int(cred.Uid))}
	if u, err := user.LookupId(p.User); err == nil {
		p.User = u.Username
	}
	return p, nil
}

// frameWriter serialises frames from the command's two streams.
type frameWriter struct {
	mu  sync.Mutex
	c   io.Writer
	err error
}

func (w *frameWriter) frame(kind byte, p []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	var h [5]byte
	h[0] = kind
	binary.BigEndian.PutUint32(h[1:], uint32(len(p)))
	if _, w.err = w.c.Write(h[:]); w.err == nil {
		_, w.err = w.c.Write(p)
	}
	return w.err
}

type streamWriter struct {
	w    *frameWriter
	kind byte
}

func (w *frameWriter) stream(kind byte) io.Writer { return streamWriter{w, kind} }

func (s streamWriter) Write(p []byte) (int, error) {
	// Large writes go out in pieces so that a frame stays small.
	const piece = 64 << 10
	for off := 0; off < len(p); off += piece {
		if err := s.w.frame(s.kind, p[off:min(off+piece, len(p))]); err != nil {
			return off, err
		}
	}
	return len(p), nil
}

// Alive reports whether a server answers on the socket at path.
func Alive(path string) bool {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// ErrNoServer is returned by Forward when no server answers on the socket.
var ErrNoServer = errors.New("no server on the control socket")

// Forward runs req in the server on the socket at path, copying its output
// to stdout and stderr, and returns its exit code. It returns ErrNoServer
// when nothing listens there (the caller then runs the command itself).
func Forward(ctx context.Context, path string, req Request, stdout, stderr io.Writer) (int, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return 0, ErrNoServer
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	line, err := json.Marshal(req)
	if err != nil {
		return 0, err
	}
	if _, err := c.Write(append(line, '\n')); err != nil {
		return 0, fmt.Errorf("control socket %s: send: %w", path, err)
	}
	code, err := readFrames(bufio.NewReader(c), stdout, stderr)
	if err != nil && ctx.Err() != nil {
		return 0, ctx.Err()
	}
	if err != nil {
		return 0, fmt.Errorf("control socket %s: %w", path, err)
	}
	return code, nil
}

// readFrames copies output frames until the exit frame.
func readFrames(r io.Reader, stdout, stderr io.Writer) (int, error) {
	var h [5]byte
	for {
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return 0, fmt.Errorf("the server closed the connection before the command ended: %w", err)
		}
		n := binary.BigEndian.Uint32(h[1:])
		switch h[0] {
		case kindStdout, kindStderr:
			dst := stdout
			if h[0] == kindStderr {
				dst = stderr
			}
			if m, err := io.CopyN(dst, r, int64(n)); err != nil {
				return 0, fmt.Errorf("output frame (%d of %d bytes): %w", m, n, err)
			}
		case kindExit:
			var b [4]byte
			if n != 4 {
				return 0, fmt.Errorf("bad exit frame of %d bytes", n)
			}
			if _, err := io.ReadFull(r, b[:]); err != nil {
				return 0, fmt.Errorf("exit frame: %w", err)
			}
			return int(int32(binary.BigEndian.Uint32(b[:]))), nil
		default:
			return 0, fmt.Errorf("unknown frame kind %d", h[0])
		}
	}
}
