-- wrk script for bench/load.sh: requests the URLs listed in the file named
-- by the URLS environment variable in random order, with gzip, and counts
-- the responses that are not 2xx.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  urls = {}
  for line in io.lines(os.getenv("URLS")) do
    table.insert(urls, line)
  end
  bad = 0
  math.randomseed(os.time() + math.floor(os.clock() * 1000000) + #threads)
end

function request()
  return wrk.format("GET", urls[math.random(#urls)], { ["Accept-Encoding"] = "gzip" })
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
  end
  io.write(string.format("RESULT rps=%.0f p50=%.3f p99=%.3f max=%.3f non2xx=%d errors=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    total, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    summary.requests))
end
