#pragma once

namespace plenary::auth {
class AuthService;
}
namespace plenary::cache {
class AgendaCache;
}
namespace plenary::db {
class Database;
}
namespace plenary::live {
class Hub;
class Publisher;
}  // namespace plenary::live
namespace plenary::relay {
class StreamingService;
}
namespace plenary::ops {
class Metrics;
}

namespace plenary::http {

class StaticFiles;

// What handlers reach through RequestContext::services(). Non-owning: the
// Application owns each part and outlives every request. Declared here, below
// the handlers (api/) and the Application (app/) that fills it, so neither
// the pipeline nor a handler looks up at app/. Thread-safety: a plain value,
// read-only while serving.
struct Services {
  db::Database* database = nullptr;
  auth::AuthService* auth = nullptr;
  ops::Metrics* metrics = nullptr;
  const http::StaticFiles* static_files = nullptr;
  cache::AgendaCache* agenda_cache = nullptr;
  live::Hub* hub = nullptr;
  live::Publisher* live = nullptr;
  relay::StreamingService* streaming = nullptr;
};

}  // namespace plenary::http
