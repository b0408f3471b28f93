-- wrk script of the load benchmark (bench/load.py writes the request list and reads the result).
--
-- BENCH_SPEC names a file of requests, one a line, tab-separated:
--   METHOD  PATH  COOKIE  BODY  SEQ
-- Each thread takes its own share of the lines (line i goes to thread i mod threads) and sends
-- them in turn, so two connections never post progress for the same massage at once. In BODY,
-- {uuid} becomes a fresh random UUID (a cue's client id), {kind} a random cue and {seq} the
-- line's next progress number (from SEQ + 1). POSTs carry the CSRF header (BENCH_CSRF, the
-- same secret as the csrftoken cookie in COOKIE) and an Origin (BENCH_ORIGIN), as the player's
-- fetch() does. Every request says X-Forwarded-Proto: https (the TLS proxy of a deploy) and
-- Accept-Encoding: gzip, as phones do. done() writes the numbers as JSON to BENCH_OUT.

local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local kinds = { "eye_contact", "smiling", "cooing", "smooth_movements",
                "turning_away", "frowning", "squirming", "looking_at_face" }

function init(args)
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local all, mine = {}, {}
  for line in io.lines(os.getenv("BENCH_SPEC")) do
    local method, path, cookie, body, seq =
      line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
    if method then
      local item = { method = method, path = path, cookie = cookie, body = body,
                     seq = tonumber(seq) or 0 }
      table.insert(all, item)
      if (#all - 1) % threads == tid then table.insert(mine, item) end
    end
  end
  lines = (#mine > 0) and mine or all
  index = 0
  math.randomseed(os.time() * 1000 + tid * 7919)
  csrf = os.getenv("BENCH_CSRF") or ""
  origin = os.getenv("BENCH_ORIGIN") or ""
end

local function hex(n)
  local out = {}
  for i = 1, n do out[i] = string.format("%x", math.random(0, 15)) end
  return table.concat(out)
end

local function uuid()
  local variant = string.format("%x", math.random(8, 11))
  return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" .. variant .. hex(3) .. "-" .. hex(12)
end

function request()
  index = index % #lines + 1
  local item = lines[index]
  local headers = { ["X-Forwarded-Proto"] = "https", ["Accept-Encoding"] = "gzip" }
  if item.cookie ~= "" then headers["Cookie"] = item.cookie end
  local body = nil
  if item.method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Accept"] = "application/json"
    headers["X-CSRFToken"] = csrf
    headers["Origin"] = origin
    body = item.body
    if body:find("{seq}", 1, true) then
      item.seq = item.seq + 1
      body = body:gsub("{seq}", tostring(item.seq))
    end
    body = body:gsub("{uuid}", uuid)
    body = body:gsub("{kind}", function() return kinds[math.random(1, #kinds)] end)
  end
  return wrk.format(item.method, item.path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "bad_status": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
  out:close()
end
