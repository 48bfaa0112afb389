-- Varied ~350-byte pageview bodies (the snippet's shape): 2 000 visitors and their sessions,
-- five pages, a URL unique per request (no 5-minute dedup), every seventh with UTM parameters.
-- Each wrk thread numbers its own requests; the thread id keeps URLs unique across threads.
local agents = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
}
local referrers = { "", "https://www.google.com/", "https://t.co/x", "https://news.ycombinator.com/" }
local pages = { "/", "/pricing", "/blog/group-commit", "/docs/install", "/products/42" }

-- wrk passes what follows `--` on its command line: a run id, so URLs never repeat across runs
-- against one database.
local run = ""
function init(args)
  run = args[1] or ""
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
function request()
  n = n + 1
  local visitor = (n * 7 + tid) % 2000
  local query = (n % 7 == 0) and "?utm_source=newsletter&utm_medium=email&utm_campaign=spring&" or "?"
  local url = "https://shop.example.com" .. pages[n % #pages + 1] .. query .. "n=" .. run .. "-" .. tid .. "-" .. n
  local agent = agents[visitor % #agents + 1]
  local id = string.format("%012d", visitor)
  local body = '{"url":"' .. url .. '","page_title":"Example shop - a realistic page title",' ..
    '"referrer":"' .. referrers[n % #referrers + 1] .. '",' ..
    '"visitor_id":"6f1c2a3b-4d5e-4f60-8a7b-' .. id .. '",' ..
    '"session_token":"0b1c2d3e-4f50-4617-8293-' .. id .. '",' ..
    '"fingerprint":"' .. visitor .. '|en-GB|1920x1080|24|-60|true|true",' ..
    '"screen_resolution":"1920x1080","timezone":"Europe/London"}'
  -- wrk.format takes the given headers instead of wrk.headers (the -H flags): merge them.
  local headers = { ["User-Agent"] = agent }
  for name, value in pairs(wrk.headers) do headers[name] = value end
  return wrk.format("POST", nil, headers, body)
end
