-- wrk script for tests/bench/flood.sh. MODE=tokens: POST /api/webchat/token as fast as possible.
-- MODE=chat: each connection takes a new token, posts one message with it, and starts over (rotating tokens).
local mode = os.getenv("MODE") or "tokens"
local token, conversation = nil, nil
local counts = {}

request = function()
  if mode == "chat" and token ~= nil then
    local body = '{"type":"message","text":"老板拖欠工资怎么办","from":{"id":"x"}}'
    local path = "/v3/directline/conversations/" .. conversation .. "/activities"
    token = nil
    return wrk.format("POST", path, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. pending }, body)
  end
  return wrk.format("POST", "/api/webchat/token")
end

response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if mode == "chat" and status == 200 then
    local t = string.match(body, '"token":"([^"]+)"')
    local c = string.match(body, '"conversationId":"([^"]+)"')
    if t and c then token, pending, conversation = t, t, c end
  end
end

done = function(summary, latency, requests)
  io.write(string.format("requests=%d non2xx_or_socket_errors=%d\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
