-- wrk script for bench/scale.sh: every request looks like a different client.
--
-- Usage: wrk -t1 -c32 -d120s -s bench/distinct-clients.lua URL -- FIRST COUNT [THREADS] [MARKER]
--
--   FIRST    number of the first client (so consecutive runs never repeat a client)
--   COUNT    responses after which the run stops (over all threads)
--   THREADS  the -t given to wrk (default 1), to split COUNT and the client numbers
--   MARKER   file prefix: each thread creates MARKER.<thread> once it has its share of
--            responses, so the caller can stop wrk (wrk itself sleeps its full -d)
--
-- Client n (n = FIRST, FIRST + 1, ...) sends:
--   X-Forwarded-For: a unique address, 10.a.b.c for n < 2^24
--   and by n % 8:
--     0, 1, 4, 5  a valid sticky cookie, X-Backend-ID=<n % 2> (backend 0 or 1), next to a
--                 unique application cookie: "X-Backend-ID=1; app-session=s<n>"
--     2           a garbage sticky cookie: "X-Backend-ID=client-<n>"
--     6           a well-formed but unknown backend id: "X-Backend-ID=<1000000 + n>"
--     3, 7        no cookie at all (a new client)
-- so half of the requests are sticky hits and half are balanced as new clients, and no
-- cookie header or address repeats.

local first, count, threads, marker
local done_marked = false

-- globals, so that done() can read them with thread:get(); tid is set by setup()
tid = 0
sent, responses, bad = 0, 0, 0

local thread_count = 0
local thread_list = {}

function setup(thread)
   thread:set("tid", thread_count)
   thread_count = thread_count + 1
   table.insert(thread_list, thread)
end

function init(args)
   first = tonumber(args[1]) or 0
   count = tonumber(args[2]) or 1000000
   threads = tonumber(args[3]) or 1
   marker = args[4]
   -- this thread's share of the responses
   count = math.floor(count / threads) + ((tid < count % threads) and 1 or 0)
end

local function address(n)
   return string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

function request()
   local n = first + sent * threads + tid
   sent = sent + 1
   local headers = { ["X-Forwarded-For"] = address(n) }
   local kind = n % 8
   if kind == 0 or kind == 1 or kind == 4 or kind == 5 then
      headers["Cookie"] = "X-Backend-ID=" .. (n % 2) .. "; app-session=s" .. n
   elseif kind == 2 then
      headers["Cookie"] = "X-Backend-ID=client-" .. n
   elseif kind == 6 then
      headers["Cookie"] = "X-Backend-ID=" .. (1000000 + n)
   end
   return wrk.format("GET", "/", headers)
end

function response(status, headers, body)
   responses = responses + 1
   if status ~= 200 then
      bad = bad + 1
   end
   if responses >= count and not done_marked then
      done_marked = true
      if marker then
         local f = io.open(marker .. "." .. tid, "w")
         if f then
            f:write(responses, "\n")
            f:close()
         end
      end
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local total_sent, total_responses, total_bad = 0, 0, 0
   for _, thread in ipairs(thread_list) do
      total_sent = total_sent + (thread:get("sent") or 0)
      total_responses = total_responses + (thread:get("responses") or 0)
      total_bad = total_bad + (thread:get("bad") or 0)
   end
   io.write(string.format("distinct-clients: sent %d responses %d non-200 %d\n",
      total_sent, total_responses, total_bad))
end
