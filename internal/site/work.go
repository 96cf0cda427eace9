package site

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"time"
)

// Work limits. Pages are prepared bytes; the decoder and search are not:
// a worst-case 64 KiB paste costs about 17 ms of CPU, a search a scan of
// every page of a language. Without a cap, a dozen clients posting to
// /decode keep every core busy and page readers queue behind them. So
// each kind of work has slots (by default one core fewer than
// GOMAXPROCS, at least one: a core is always left for pages), and a
// request that finds no slot free within a short wait is told to come
// back (503 with Retry-After) rather than queued for as long as the
// flood lasts.
//
// A decode request takes two slots in turn: a body slot before its body is
// read, which bounds the memory held by uploads in flight (up to 2 MiB
// each), and a CPU slot once the body is read, so a slow uploader holds no
// CPU slot while its bytes trickle in (the server's read timeout bounds
// how long it holds the body slot).

// workRetryAfter is what a client told to come back is asked to wait.
const workRetryAfter = 2 * time.Second

// workWait is how long a request waits for a slot: long enough to ride
// out a burst of a few worst-case inputs, short enough that a flood gets
// prompt 503s instead of hung connections.
const workWait = 500 * time.Millisecond

// errBusy answers a request that found no free slot.
var errBusy = httpError{status: http.StatusServiceUnavailable}

// workLimit is a counting semaphore with a bounded wait.
type workLimit struct {
	slots chan struct{}
	wait  time.Duration
}

func newWorkLimit(n int, wait time.Duration) *workLimit {
	return &workLimit{slots: make(chan struct{}, max(n, 1)), wait: wait}
}

// acquire takes a slot, waiting at most l.wait, and returns the function
// that gives it back; ok is false when no slot came free in time or the
// client went away.
func (l *workLimit) acquire(ctx context.Context) (release func(), ok bool) {
	if l.tryAcquire() {
		return l.release, true
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return l.release, true
	case <-t.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}

// tryAcquire takes a slot if one is free, without waiting.
func (l *workLimit) tryAcquire() bool {
	select {
	case l.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (l *workLimit) release() { <-l.slots }

// limits are the server's work limits, sized from its Config.
type limits struct {
	decodeBodies, decodeCPU, search *workLimit
}

func newLimits(cfg Config) limits {
	cpu := cfg.MaxWork
	if cpu <= 0 {
		cpu = runtime.GOMAXPROCS(0) - 1
	}
	bodies := cfg.MaxDecodeBodies
	if bodies <= 0 {
		bodies = 16
	}
	return limits{
		decodeBodies: newWorkLimit(bodies, workWait),
		decodeCPU:    newWorkLimit(cpu, workWait),
		search:       newWorkLimit(cpu, workWait),
	}
}

// busy sets Retry-After and returns the error that renders the 503 page
// (or, for the JSON API, the JSON error).
func busy(w http.ResponseWriter, json bool) error {
	w.Header().Set("Retry-After", strconv.Itoa(int(workRetryAfter/time.Second)))
	err := errBusy
	err.json = json
	return err
}
