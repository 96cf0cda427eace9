// Command fetch requests every URL of a list once, with a few workers, and
// reports how many answered 2xx. bench/load.sh uses it to make the server
// build every page it will be asked for, and to measure memory after that.
//
//	go run ./bench/fetch -base http://127.0.0.1:18080 -list urls.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:18080", "server to fetch from")
	list := flag.String("list", "", "file with one path per line")
	workers := flag.Int("c", 4, "concurrent requests")
	flag.Parse()
	f, err := os.Open(*list)
	if err != nil {
		log.Fatal(err)
	}
	paths := make(chan string)
	var ok, bad atomic.Int64
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range paths {
				req, _ := http.NewRequest("GET", *base+p, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				resp, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					bad.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode/100 == 2 {
					ok.Add(1)
				} else if bad.Add(1) <= 10 {
					fmt.Fprintf(os.Stderr, "%s: %d\n", p, resp.StatusCode)
				}
			}
		}()
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		paths <- sc.Text()
	}
	close(paths)
	wg.Wait()
	fmt.Printf("fetched %d URLs: %d 2xx, %d other\n", ok.Load()+bad.Load(), ok.Load(), bad.Load())
	if bad.Load() > 0 {
		os.Exit(1)
	}
}
