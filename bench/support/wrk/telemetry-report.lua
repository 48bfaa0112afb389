-- A distinct 6-key telemetry report per request: 100 hosts per thread take turns, each report
-- one second after that host's previous one, so none is an idempotent repeat. The same hosts
-- report in every run; the run number moves each run's reports to later seconds.
-- wrk passes what follows `--` on its command line: a run id and the run's number.
local offset = 0
function init(args)
  offset = (tonumber(args[2]) or 0) * 100000
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
local start = 1767225600 -- 2026-01-01T00:00:00Z
function request()
  n = n + 1
  local host = "bench-host-" .. tid .. "-" .. (n % 100)
  local body = '{"host":"' .. host .. '","timestamp":' .. (start + offset + math.floor(n / 100)) ..
    ',"data":{"metric_0":{"users":' .. n .. '},"metric_1":' .. n .. ',"metric_2":' .. (2 * n) ..
    ',"metric_3":' .. (3 * n) .. ',"metric_4":' .. (4 * n) .. ',"metric_5":' .. (5 * n) .. '}}'
  return wrk.format("POST", nil, nil, body)
end
