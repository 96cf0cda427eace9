// Command startup measures the time from exec to the first served request:
// it starts the server binary, polls GET /readyz every millisecond from
// this process (no curl processes competing for the CPU) and reports the
// median of several runs.
//
//	go build -o /tmp/smtpcodes . && go run ./bench/startup -bin /tmp/smtpcodes -runs 10
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"time"
)

func main() {
	bin := flag.String("bin", "/tmp/smtpcodes", "server binary")
	runs := flag.Int("runs", 10, "number of runs")
	port := flag.Int("port", 18400, "first loopback port to use (one per run)")
	flag.Parse()
	var times []time.Duration
	client := &http.Client{Timeout: time.Second}
	for i := range *runs {
		addr := "127.0.0.1:" + strconv.Itoa(*port+i)
		cmd := exec.Command(*bin, "-addr", addr, "-drain", "0")
		cmd.Stderr = nil
		start := time.Now()
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		for {
			resp, err := client.Get("http://" + addr + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Since(start) > 10*time.Second {
				log.Fatal("server not ready after 10 s")
			}
			time.Sleep(time.Millisecond)
		}
		times = append(times, time.Since(start))
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		time.Sleep(200 * time.Millisecond)
	}
	slices.Sort(times)
	fmt.Printf("ready after exec: median %v, min %v, max %v (%d runs)\n",
		times[len(times)/2].Round(time.Millisecond), times[0].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond), len(times))
}
