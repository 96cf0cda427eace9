package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"smtpcodes.dev/internal/site"
)

// On shutdown /readyz turns 503 first, an in-flight request still
// completes, and serve returns nil.
func TestGracefulShutdown(t *testing.T) {
	var ready atomic.Bool
	app, err := site.Open(files, siteConfigReady(ready.Load))
	if err != nil {
		t.Fatal(err)
	}
	inFlight := make(chan struct{})
	// Wrap the real handler so one request is provably in flight when the
	// shutdown starts.
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/codes/421" {
			close(inFlight)
			time.Sleep(300 * time.Millisecond)
		}
		app.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	logger := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, newHTTPServer(handler, logger), &ready, 200*time.Millisecond, logger) }()

	waitFor(t, func() bool { return ready.Load() })
	type result struct {
		status int
		body   string
		err    error
	}
	slow := make(chan result, 1)
	go func() {
		res, err := http.Get(base + "/codes/421")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		slow <- result{status: res.StatusCode, body: string(b)}
	}()
	<-inFlight
	cancel()
	waitFor(t, func() bool { return !ready.Load() })
	// During the drain the listener is still open and says "not ready".
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("readyz during drain: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz during drain = %d, want 503", res.StatusCode)
	}
	r := <-slow
	if r.err != nil || r.status != 200 || len(r.body) < 1000 {
		t.Errorf("in-flight request: status %d, %d bytes, err %v", r.status, len(r.body), r.err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v, want nil after a clean shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after shutdown")
	}
	if _, err := http.Get(base + "/livez"); err == nil {
		t.Error("the server still accepts connections after shutdown")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A client that sends its headers a byte at a time (slowloris) neither
// blocks other clients nor keeps its connection past the header timeout.
func TestSlowClientsDoNotStarveOthers(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(newTestServer(t), logger)
	go srv.Serve(ln)
	defer srv.Close()
	addr := ln.Addr().String()

	var slow []net.Conn
	for range 200 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte("GET /codes/421 HTTP/1.1\r\nHost: x\r\nX-Slow: "))
		slow = append(slow, c)
	}
	start := time.Now()
	res, err := http.Get("http://" + addr + "/codes/421?lang=ja")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || time.Since(start) > 2*time.Second {
		t.Errorf("with 200 slow clients, a normal request took %v (status %d)", time.Since(start), res.StatusCode)
	}
	// The server gives up on a slow client after the header timeout.
	c := slow[0]
	c.SetReadDeadline(time.Now().Add(readHeaderTimeout + 3*time.Second))
	buf := make([]byte, 1)
	for {
		c.Write([]byte("a"))
		if _, err := c.Read(buf); err != nil {
			break // closed by the server (or a 408 then close)
		}
	}
	if waited := time.Since(start); waited > readHeaderTimeout+2*time.Second {
		t.Errorf("a slow client kept its connection for %v; the header timeout is %v", waited, readHeaderTimeout)
	}
}
