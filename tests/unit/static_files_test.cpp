#include "http/static_files.hpp"

#include <filesystem>

#include <doctest/doctest.h>

#include "http/api_error.hpp"
#include "support/temp_dir.hpp"

using namespace plenary;
using namespace plenary::http;

namespace {

struct Site {
  test::TempDir outside;
  test::TempDir root_dir;
  std::filesystem::path root = root_dir.path() / "static";

  Site() {
    test::write_file(root / "index.html", "<h1>Plenary</h1>");
    test::write_file(root / "app.js", "console.log('hi')");
    test::write_file(root / "style.css", "body{}");
    test::write_file(root / "docs" / "index.html", "<h1>Docs</h1>");
    test::write_file(root / "img" / "logo.svg", "<svg/>");
    test::write_file(root / ".env", "SECRET=1");
    test::write_file(root_dir.path() / "secret.txt", "top secret");
    test::write_file(outside.path() / "passwd", "root:x:0:0");
    std::filesystem::create_symlink(outside.path() / "passwd", root / "leak.txt");
    std::filesystem::create_directory_symlink(outside.path(), root / "escape");
    std::filesystem::create_symlink(root / "app.js", root / "alias.js");
  }

  Response get(std::string target, std::string if_none_match = {}) const {
    Request request;
    request.target = std::move(target);
    if (!if_none_match.empty()) request.headers.add("If-None-Match", if_none_match);
    return StaticFiles(root).serve(request);
  }

  unsigned status(std::string target) const {
    try {
      return get(std::move(target)).status;
    } catch (const ApiError& error) {
      return error.status();
    }
  }
};

}  // namespace

TEST_CASE("static files come with the right content type") {
  Site site;
  CHECK(site.get("/app.js").headers.get("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(site.get("/style.css").headers.get("Content-Type") == "text/css; charset=utf-8");
  CHECK(site.get("/img/logo.svg").headers.get("Content-Type") == "image/svg+xml");
  CHECK(site.get("/app.js").body == "console.log('hi')");
}

TEST_CASE("a directory serves its index.html, and without a trailing slash redirects to it") {
  Site site;
  CHECK(site.get("/").body == "<h1>Plenary</h1>");
  CHECK(site.get("/docs/").body == "<h1>Docs</h1>");
  const Response redirect = site.get("/docs?lang=vi");
  CHECK(redirect.status == 301);
  CHECK(redirect.headers.get("Location") == "/docs/?lang=vi");
}

TEST_CASE("a matching If-None-Match answers 304 without a body") {
  Site site;
  const Response first = site.get("/app.js");
  const std::string etag(*first.headers.get("ETag"));
  CHECK(etag.front() == '"');
  const Response again = site.get("/app.js", etag);
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(site.get("/app.js", "W/" + etag).status == 304);
  CHECK(site.get("/app.js", "\"other\", " + etag).status == 304);
  CHECK(site.get("/app.js", "\"other\"").status == 200);
  test::write_file(site.root / "app.js", "console.log('changed')");
  CHECK(site.get("/app.js", etag).status == 200);
}

TEST_CASE("no path leaves the static root") {
  Site site;
  for (const std::string& attempt : std::vector<std::string>{
           "/../secret.txt",
           "/docs/../../secret.txt",
           "/%2e%2e/secret.txt",
           "/%2E%2E/secret.txt",
           "/..%2fsecret.txt",
           "/..%2Fsecret.txt",
           "/docs%2f..%2f..%2fsecret.txt",
           "/..%5csecret.txt",
           "/%2e%2e%5csecret.txt",
           "//etc/passwd",
           "/%2fetc%2fpasswd",
           "/etc/passwd",
           "/leak.txt",
           "/escape/passwd",
           "/index.html%00.js",
           "/.env",
           "/%2eenv",
           "/./index.html",
           "/bad%zz",
       }) {
    CAPTURE(attempt);
    CHECK(site.status(attempt) == 404);
  }
}

TEST_CASE("a symbolic link that stays inside the root is served") {
  Site site;
  CHECK(site.get("/alias.js").body == "console.log('hi')");
}

TEST_CASE("a missing static directory is reported when the server starts") {
  CHECK_THROWS_AS(StaticFiles("/nonexistent/plenary/static"), std::runtime_error);
}

TEST_CASE("If-None-Match comparison is weak and understands lists and *") {
  CHECK(etag_matches("\"a\"", "\"a\""));
  CHECK(etag_matches("W/\"a\"", "\"a\""));
  CHECK(etag_matches("\"x\" , \"a\"", "\"a\""));
  CHECK(etag_matches("*", "\"a\""));
  CHECK_FALSE(etag_matches("\"b\"", "\"a\""));
}
