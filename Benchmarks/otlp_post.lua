-- wrk script: POSTs the first trace of the Collector-style fixture with a fresh trace id per
-- request, so every request becomes a new record (5 spans: agent, retriever, LLM, two tools).
local f = assert(io.open(os.getenv("OTLP_TEMPLATE")))
local template = f:read("*l")
f:close()
local counter = 0
local thread_id = 0

setup = function(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

request = function()
  counter = counter + 1
  local id = string.format("%08x%08x%016x", thread_id, 0xd71f7, counter)
  local body = string.gsub(template, "0af7651916cd43dd8448eb211c80319c", id)
  return wrk.format("POST", "/v1/traces", {["Content-Type"] = "application/json"}, body)
end
