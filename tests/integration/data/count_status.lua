-- wrk script: counts answers whose status is not WRK_EXPECT (default 200)
-- across all threads and prints "UNEXPECTED <n> STATUSES <list>" at the end.
local threads = {}
local expect = tonumber(os.getenv("WRK_EXPECT") or "200")

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
  seen = ""
end

function response(status, headers, body)
  if status ~= expect then
    unexpected = unexpected + 1
    if #seen < 200 then seen = seen .. " " .. status end
  end
end

function done(summary, latency, requests)
  local n, list = 0, ""
  for _, t in ipairs(threads) do
    n = n + t:get("unexpected")
    list = list .. t:get("seen")
  end
  io.write(string.format("UNEXPECTED %d STATUSES%s\n", n, list))
end
