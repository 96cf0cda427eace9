// Command flood measures how code pages fare while other clients flood
// the server with expensive work: worst-case 64 KiB pastes posted to
// /decode, random /search queries, or distinct compare pages. A few
// readers fetch random code pages one after another during the flood;
// their latency percentiles, the flood's answers by status, and the
// server's peak resident memory are reported. bench/flood.sh builds the
// server and runs each flood in turn.
//
//	go run ./bench/flood -base http://127.0.0.1:18090 -pid PID -kind decode -clients 12 -d 20s
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:18090", "server under test")
	pid := flag.Int("pid", 0, "server process, for its resident memory")
	kind := flag.String("kind", "decode", "flood: decode, search, compare, or none")
	clients := flag.Int("clients", 12, "flooding clients")
	readers := flag.Int("readers", 4, "clients reading code pages during the flood")
	d := flag.Duration("d", 20*time.Second, "duration")
	flag.Parse()

	codes, err := codeList(*base)
	if err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}, Timeout: 30 * time.Second}
	stop := time.Now().Add(*d)
	var wg sync.WaitGroup

	var floodStatus sync.Map // status -> *atomic.Int64
	count := func(status int) {
		v, _ := floodStatus.LoadOrStore(status, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	paste := worstPaste()
	for i := range *clients {
		if *kind == "none" {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			for time.Now().Before(stop) {
				var req *http.Request
				switch *kind {
				case "decode":
					req, _ = http.NewRequest("POST", *base+"/decode?lang=en", strings.NewReader(url.Values{"text": {paste}}.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				case "search":
					q := strconv.Itoa(rng.IntN(1000)) + " " + randomWord(rng)
					req, _ = http.NewRequest("GET", *base+"/search?lang=ja&q="+url.QueryEscape(q), nil)
				case "compare":
					a, b := codes[rng.IntN(len(codes))], codes[rng.IntN(len(codes))]
					req, _ = http.NewRequest("GET", *base+"/compare/"+a+"-vs-"+b+"?lang=en", nil)
				default:
					log.Fatalf("unknown flood %q", *kind)
				}
				req.Header.Set("Accept-Encoding", "gzip")
				res, err := client.Do(req)
				if err != nil {
					count(-1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusMovedPermanently {
					count(http.StatusOK) // a pair given in reverse order, or a code against itself
					continue
				}
				count(res.StatusCode)
			}
		}()
	}

	var mu sync.Mutex
	var lat []time.Duration
	var pageErrors atomic.Int64
	for i := range *readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 2))
			for time.Now().Before(stop) {
				lang := []string{"en", "ja"}[rng.IntN(2)]
				req, _ := http.NewRequest("GET", *base+"/codes/"+codes[rng.IntN(len(codes))]+"?lang="+lang, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				start := time.Now()
				res, err := client.Do(req)
				if err != nil {
					pageErrors.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				took := time.Since(start)
				if res.StatusCode != http.StatusOK {
					pageErrors.Add(1)
					continue
				}
				mu.Lock()
				lat = append(lat, took)
				mu.Unlock()
				time.Sleep(5 * time.Millisecond) // a reader, not a load generator
			}
		}()
	}

	var peak atomic.Int64
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
				if rss := residentMB(*pid); rss > peak.Load() {
					peak.Store(rss)
				}
			}
		}
	}()
	wg.Wait()
	close(done)

	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000
	}
	var flood []string
	floodStatus.Range(func(k, v any) bool {
		flood = append(flood, fmt.Sprintf("%v:%d", k, v.(*atomic.Int64).Load()))
		return true
	})
	slices.Sort(flood)
	fmt.Printf("flood=%s clients=%d pages=%d page_errors=%d p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f peak_rss_mb=%d flood_answers=%s\n",
		*kind, *clients, len(lat), pageErrors.Load(), pct(0.50), pct(0.95), pct(0.99), pct(1), peak.Load(), strings.Join(flood, ","))
}

// codeList returns every code the site has, from /codes.json.
func codeList(base string) ([]string, error) {
	res, err := http.Get(base + "/codes.json?lang=en")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var all struct {
		Codes []struct {
			Code string `json:"code"`
		} `json:"codes"`
	}
	if err := json.NewDecoder(res.Body).Decode(&all); err != nil {
		return nil, fmt.Errorf("%s/codes.json: %w", base, err)
	}
	var codes []string
	for _, c := range all.Codes {
		codes = append(codes, c.Code)
	}
	if len(codes) < 40 {
		return nil, fmt.Errorf("%s/codes.json lists %d codes", base, len(codes))
	}
	return codes, nil
}

// worstPaste is 64 KiB of bounce lines, every one a reply with codes and
// addresses: the most decoder work per byte (as BenchmarkDecodeLinear).
func worstPaste() string {
	var b strings.Builder
	for i := 0; ; i++ {
		line := fmt.Sprintf("<user%d@example.com>: host mx%d.example.com[192.0.2.1] said: 550 5.1.1 <user%d@example.com>: Recipient address rejected (in reply to RCPT TO command)\n\n", i, i%7, i)
		if b.Len()+len(line) > 64<<10 {
			return b.String()
		}
		b.WriteString(line)
	}
}

var words = []string{"mailbox", "quota", "greylisting", "spf", "dkim", "relay", "timeout", "メールボックス", "容量", "認証", "tls", "blocked", "rate"}

func randomWord(rng *rand.Rand) string { return words[rng.IntN(len(words))] }

// residentMB reads the process's resident set from /proc.
func residentMB(pid int) int64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb / 1024
		}
	}
	return 0
}
