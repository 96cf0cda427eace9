-- wrk script for bench/soak.sh: a random mix of valid and invalid URLs,
-- counting 5xx answers per thread and summing them at the end.
local paths = {
  "/", "/?lang=ja", "/codes/421", "/codes/421?lang=ja", "/codes/550", "/codes/5.7.26?lang=ja",
  "/codes/5.1.1", "/codes/4.2.2?lang=ja", "/compare/421-vs-556", "/compare/450-vs-550?lang=ja",
  "/compare/5.1.1-vs-5.7.1", "/compare/550-vs-5.1.1?lang=ja", "/compare/556-vs-421",
  "/codes/999", "/codes/abc", "/codes/5.99.1", "/codes/%ff", "/codes/421?lang=%00",
  "/static/../main.go", "/wp-login.php", "/compare?a=421&b=nope", "/codes/0421",
  "/codes/421?lang=%3Cscript%3E", "/static/site.css", "/livez", "/readyz",
}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  errors5xx = 0
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if status >= 500 then
    errors5xx = errors5xx + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("errors5xx")
  end
  io.write(string.format("5xx responses: %d\n", total))
end
