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
namespace plenary::http {
class StaticFiles;
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

namespace plenary::app {

struct Config;

// What handlers reach through RequestContext::services(). Non-owning: the
// Application owns each part and outlives every request.
struct Services {
  const Config* config = nullptr;
  db::Database* database = nullptr;
  auth::AuthService* auth = nullptr;
  ops::Metrics* metrics = nullptr;
  const http::StaticFiles* static_files = nullptr;
  cache::AgendaCache* agenda_cache = nullptr;
  live::Hub* hub = nullptr;
  live::Publisher* live = nullptr;
  relay::StreamingService* streaming = nullptr;
};

}  // namespace plenary::app
