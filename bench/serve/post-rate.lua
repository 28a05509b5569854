-- wrk (not wrk2): an open-ish, rate-bounded load. Each connection waits DELAY ms after each
-- answer before sending the next, so C connections give at most C*1000/DELAY requests/s.
-- With -c8 and DELAY=8 that is 1,000 requests/s. wrk measures latency per request from send to
-- answer; it does not correct for coordinated omission as wrk2 does (wrk2 is not packaged here).
dofile(os.getenv("LOCKSTEP_BENCH_DIR") .. "/post.lua")
local d = tonumber(os.getenv("DELAY_MS") or "8")
function delay()
  return d
end
