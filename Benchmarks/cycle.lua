-- wrk script for the benchmarks' distinct-question loads: each request takes the next path of the file
-- named by $PATHS (one per line), cycling.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
