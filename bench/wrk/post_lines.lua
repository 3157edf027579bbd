-- POSTs one prepared request per call, taken in turn from the file named by
-- BENCH_BODIES; each wrk thread takes its own share of the lines, so no two
-- requests of one run repeat a line until the file is used up.
-- A line is "<json body>" or, for the Twilio webhook, "<signature>\t<form body>".

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("BENCH_BODIES")
  local content_type = os.getenv("BENCH_CONTENT_TYPE") or "application/json"
  local auth = os.getenv("BENCH_AUTH")
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  bodies, signatures = {}, {}
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == id then
      local sig, body = line:match("^([^\t]+)\t(.*)$")
      if sig then
        table.insert(signatures, sig)
        table.insert(bodies, body)
      else
        table.insert(bodies, line)
      end
    end
    i = i + 1
  end
  n = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = content_type
  if auth and auth ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. auth
  end
  non2xx = 0
end

function request()
  n = n + 1
  local k = ((n - 1) % #bodies) + 1
  if #signatures > 0 then
    wrk.headers["X-Twilio-Signature"] = signatures[k]
  end
  return wrk.format(nil, nil, nil, bodies[k])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if non2xx <= 1 then
      io.stderr:write("non-2xx " .. status .. ": " .. body:sub(1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "errors_connect": %d, "errors_read": %d, "errors_write": %d, '
      .. '"errors_status": %d, "errors_timeout": %d, "non2xx": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, bad))
end
