#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "api/routes.hpp"
#include "http/router.hpp"

using namespace plenary;

TEST_CASE("the OpenAPI document in static/ describes exactly the routes the server declares") {
  std::ifstream file(std::string(PLENARY_SOURCE_DIR) + "/static/openapi.json");
  REQUIRE(file.good());
  const auto document = nlohmann::json::parse(file);
  CHECK(document["openapi"].get<std::string>().starts_with("3.1"));

  std::set<std::string> documented;
  for (const auto& [path, operations] : document["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      if (method == "parameters") continue;
      std::string upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
      documented.insert(upper + " " + path);
      CHECK_MESSAGE(operation.contains("responses"), upper << " " << path << " has no responses");
    }
  }
  http::Router router;
  api::add_routes(router);
  std::set<std::string> declared;
  for (const auto& route : router.routes())
    declared.insert(std::string(http::to_string(route.method)) + " " + route.pattern);
  CHECK(documented == declared);
}
