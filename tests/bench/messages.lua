-- wrk script: POST /api/messages with deliveryMode expectReplies, cycling through a question file
-- (one question per line) and a fresh conversation/user per request so rate limits do not apply.
local questions = {}
local path = os.getenv("QUESTIONS") or "questions.txt"
for line in io.lines(path) do
  if #line > 0 then questions[#questions + 1] = line end
end
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  counter = 0
end

request = function()
  counter = counter + 1
  local q = questions[(counter % #questions) + 1]
  local conv = "bench-" .. tostring(id) .. "-" .. tostring(counter)
  local body = '{"type":"message","id":"m' .. counter .. '","channelId":"bench","serviceUrl":"http://127.0.0.1:9/",' ..
    '"deliveryMode":"expectReplies","from":{"id":"' .. conv .. '"},"recipient":{"id":"bot"},' ..
    '"conversation":{"id":"' .. conv .. '"},"text":"' .. q .. '"}'
  return wrk.format("POST", "/api/messages", { ["Content-Type"] = "application/json" }, body)
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. "\n")
  end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("answers/s: %.0f (%d requests in %.1f s)\n", summary.requests / seconds, summary.requests, seconds))
  for _, p in ipairs({ 50, 95, 99 }) do
    io.write(string.format("p%d latency: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("errors: status %d, connect %d, read %d, write %d, timeout %d\n", e.status, e.connect, e.read, e.write, e.timeout))
end
