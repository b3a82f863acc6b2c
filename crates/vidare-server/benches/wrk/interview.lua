-- Whole interviews for wrk: create a session, answer it to the end by the
-- `next` item of each response, close it, and start the next one.
--
--   wrk -t 64 -c 64 -d 20s -s crates/vidare-server/benches/wrk/interview.lua \
--       http://127.0.0.1:PORT
--
-- Run it with as many threads as connections (-t = -c): wrk keeps one Lua
-- state per thread, and an interview's next request depends on the last
-- response, so each connection needs a state of its own.
-- QUESTIONNAIRE (violence-seven@1.0.0) picks the questionnaire; NO_CLOSE=1
-- leaves each finished interview open (to measure what closing costs). Answers:
-- yes to yes/no, the first option of a choice, as the project's own load
-- benchmark (benches/load.rs) gives them. Every request must succeed: the
-- counts of each kind and of failures are printed at the end.

local questionnaire = os.getenv("QUESTIONNAIRE") or "violence-seven@1.0.0"
local close = os.getenv("NO_CLOSE") ~= "1"
local json = { ["Content-Type"] = "application/json" }

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- Per thread (one connection): where its interview stands.
-- The counts are globals: wrk's thread:get reads globals, and numbers only.
local session, events, next_id, next_value, closing
creates, answers, closes, failures = 0, 0, 0, 0

function init(args)
  session = nil
end

local function create()
  return wrk.format("POST", "/api/v1/sessions", json,
    '{"questionnaire":"' .. questionnaire .. '","language":"en"}')
end

function request()
  if session == nil then
    return create()
  end
  if closing then
    return wrk.format("POST", "/api/v1/sessions/" .. session .. "/close", json,
      '{"expected_events":' .. events .. '}')
  end
  return wrk.format("POST", "/api/v1/sessions/" .. session .. "/answer", json,
    '{"expected_events":' .. events .. ',"item":"' .. next_id .. '","value":' .. next_value .. '}')
end

-- The answer to the `next` item of a response, as JSON text.
local function answer_for(body)
  local item, kind = body:match('"next":{"id":"([^"]+)","kind":"([^"]+)"')
  if item == nil then
    return nil
  end
  if kind == "yes_no" then
    return item, "true"
  end
  local first = body:match('"next":{.-"options":%[{"value":"([^"]+)"')
  if kind == "multiple_choice" then
    return item, '["' .. first .. '"]'
  end
  return item, '"' .. first .. '"'
end

function response(status, headers, body)
  if status >= 300 then
    -- Start over with a new interview rather than repeat a failed write.
    failures = failures + 1
    session, closing = nil, false
    return
  end
  if closing then
    closes = closes + 1
    session, closing = nil, false
    return
  end
  if session == nil then
    creates = creates + 1
    session = body:match('"id":"(%x+)"')
  else
    answers = answers + 1
  end
  events = body:match('"events":(%d+)')
  if body:match('"status":"asking"') then
    next_id, next_value = answer_for(body)
  elseif close then
    closing = true
  else
    session = nil
  end
end

function done(summary, latency, requests)
  local total = { creates = 0, answers = 0, closes = 0, failures = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(total) do
      total[k] = total[k] + thread:get(k)
    end
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "interviews: %d created, %d answers, %d closed, %d failed requests\n",
    total.creates, total.answers, total.closes, total.failures))
  io.write(string.format("ANSWERS PER SECOND (closes included in the time): %.0f\n",
    total.answers / seconds))
  io.write(string.format("latency of all requests: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
