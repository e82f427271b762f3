#include "http/static_files.hpp"

#include <filesystem>

#include <doctest/doctest.h>

#include "http/api_error.hpp"
#include "http/app_routes.hpp"
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

  // GET with these request headers.
  Response fetch(std::string target, std::vector<std::pair<std::string, std::string>> headers) const {
    Request request;
    request.target = std::move(target);
    for (auto& [name, value] : headers) request.headers.add(std::move(name), std::move(value));
    return StaticFiles(root).serve(request);
  }
  Response accepting(std::string target, std::string accept_encoding, std::string if_none_match = {}) const {
    std::vector<std::pair<std::string, std::string>> headers{{"Accept-Encoding", std::move(accept_encoding)}};
    if (!if_none_match.empty()) headers.emplace_back("If-None-Match", std::move(if_none_match));
    return fetch(std::move(target), std::move(headers));
  }

  unsigned status(std::string target) const {
    try {
      return get(std::move(target)).status;
    } catch (const ApiError& error) {
      return error.status();
    }
  }
};

std::string header(const Response& response, std::string_view name) {
  return std::string(response.headers.get(name).value_or(""));
}

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

TEST_CASE("a reload anywhere in the delegates' app or the host console gets the app's index.html") {
  Site site;
  const Response index = site.get("/");
  CHECK(site.status("/e") == 404);  // not a route of the app: its routes are below /e/
  for (const std::string& route : std::vector<std::string>{
           "/e/somri-21/",
           "/e/somri-21",
           "/e/somri-21/day/2024-11-19",
           "/e/somri-21/sessions/12",
           "/e/somri-21/speakers",
           "/e/somri-21/speakers/3",
           "/e/somri-21/me",
           "/e/somri-21/watch/2?lang=vi",
           "/host",
           "/host/",
           "/host/rooms/3/stream",
       }) {
    CAPTURE(route);
    const Response app = site.get(route);
    CHECK(app.status == 200);
    CHECK(app.body == "<h1>Plenary</h1>");
    CHECK(header(app, "Content-Type") == "text/html; charset=utf-8");
    CHECK(header(app, "Cache-Control") == "no-cache");
    CHECK(header(app, "ETag") == header(index, "ETag"));
    CHECK(site.get(route, header(index, "ETag")).status == 304);
  }
}

TEST_CASE("a real file under an app route wins, and other unknown paths stay 404") {
  Site site;
  test::write_file(site.root / "e" / "somri-21" / "banner.svg", "<svg id='banner'/>");
  test::write_file(site.root / "host" / "index.html", "<h1>Host console</h1>");
  CHECK(site.get("/e/somri-21/banner.svg").body == "<svg id='banner'/>");
  CHECK(site.get("/e/somri-21/banner.svg").headers.get("Content-Type") == "image/svg+xml");
  CHECK(site.get("/host/").body == "<h1>Host console</h1>");
  CHECK(site.get("/host").status == 301);
  CHECK(site.get("/host/rooms").body == "<h1>Plenary</h1>");
  CHECK(site.get("/e").status == 301);  // now a real directory
  for (const std::string& unknown :
       std::vector<std::string>{"/hostile", "/hosts/1", "/agenda", "/assets/app-1234.js", "/E/somri-21/"}) {
    CAPTURE(unknown);
    CHECK(site.status(unknown) == 404);
  }
}

TEST_CASE("an app route never opens a way out of the static root") {
  Site site;
  std::filesystem::create_directories(site.root / "e");
  std::filesystem::create_symlink(site.outside.path() / "passwd", site.root / "e" / "leak");
  for (const std::string& attempt : std::vector<std::string>{
           "/e/../../secret.txt",
           "/e/%2e%2e/%2e%2e/secret.txt",
           "/e/..%2f..%2fsecret.txt",
           "/host/..%5c..%5csecret.txt",
           "/e/somri-21/.env",
           "/e/leak",
           "/e/somri%00/",
       }) {
    CAPTURE(attempt);
    CHECK(site.status(attempt) == 404);
  }
}

TEST_CASE("the app's routes and links come from one list") {
  CHECK(is_app_route("/e/somri-21/sessions/12"));
  CHECK(is_app_route("/host"));
  CHECK(is_app_route("/host/registrations"));
  CHECK_FALSE(is_app_route("/hostile"));
  CHECK_FALSE(is_app_route("/e"));
  CHECK_FALSE(is_app_route("/api/v1/events"));
  CHECK(is_app_route(delegate_app_path("somri-21")));
  CHECK(delegate_app_path("somri-21") == "/e/somri-21/");
  CHECK(sign_in_link("somri-21", "ABCD2345WXYZ") == "/e/somri-21/#code=ABCD2345WXYZ");
}

TEST_CASE("a precompressed sibling is sent when the client takes its encoding, Brotli before gzip") {
  Site site;
  test::write_file(site.root / "app.js.br", "brotli bytes");
  test::write_file(site.root / "app.js.gz", "gzip bytes");
  const Response br = site.accepting("/app.js", "gzip, deflate, br, zstd");
  CHECK(br.body == "brotli bytes");
  CHECK(header(br, "Content-Encoding") == "br");
  CHECK(header(br, "Content-Type") == "text/javascript; charset=utf-8");
  CHECK(header(br, "Vary") == "Accept-Encoding");
  CHECK(header(br, "ETag").ends_with("-br\""));

  const Response gz = site.accepting("/app.js", "gzip");
  CHECK(gz.body == "gzip bytes");
  CHECK(header(gz, "Content-Encoding") == "gzip");
  CHECK(header(gz, "Content-Type") == "text/javascript; charset=utf-8");
  CHECK(header(gz, "ETag").ends_with("-gz\""));

  const Response plain = site.accepting("/app.js", "identity");
  CHECK(plain.body == "console.log('hi')");
  CHECK_FALSE(plain.headers.contains("Content-Encoding"));
  CHECK(header(plain, "Vary") == "Accept-Encoding");
  CHECK(site.get("/app.js").body == "console.log('hi')");

  CHECK(header(br, "ETag") != header(gz, "ETag"));
  CHECK(header(br, "ETag") != header(plain, "ETag"));
  CHECK(header(gz, "ETag") != header(plain, "ETag"));

  // q-values: refused, preferred, and "*".
  CHECK(site.accepting("/app.js", "br;q=0, gzip").body == "gzip bytes");
  CHECK(site.accepting("/app.js", "br;q=0.5, gzip;q=1").body == "gzip bytes");
  CHECK(site.accepting("/app.js", "*").body == "brotli bytes");
  CHECK(site.accepting("/app.js", "*, br;q=0").body == "gzip bytes");
  CHECK(site.accepting("/app.js", "gzip;q=0, br;q=0").body == "console.log('hi')");
}

TEST_CASE("If-None-Match answers 304 for each encoding's own ETag only") {
  Site site;
  test::write_file(site.root / "app.js.br", "brotli bytes");
  test::write_file(site.root / "app.js.gz", "gzip bytes");
  const std::string br_etag = header(site.accepting("/app.js", "br"), "ETag");
  const std::string gz_etag = header(site.accepting("/app.js", "gzip"), "ETag");
  const Response unchanged = site.accepting("/app.js", "br", br_etag);
  CHECK(unchanged.status == 304);
  CHECK(unchanged.body.empty());
  CHECK(header(unchanged, "Vary") == "Accept-Encoding");
  CHECK(header(unchanged, "ETag") == br_etag);
  CHECK(site.accepting("/app.js", "gzip", gz_etag).status == 304);
  // A cached Brotli copy is no proof of the gzip one, nor of the file itself.
  CHECK(site.accepting("/app.js", "gzip", br_etag).status == 200);
  CHECK(site.accepting("/app.js", "identity", br_etag).status == 200);
  // A rebuilt sibling gets a new ETag.
  test::write_file(site.root / "app.js.br", "new brotli bytes");
  CHECK(site.accepting("/app.js", "br", br_etag).status == 200);
}

TEST_CASE("only a regular file inside the root is taken as a precompressed sibling") {
  Site site;
  test::write_file(site.root / "style.css.gz", "gzip bytes");
  std::filesystem::create_symlink(site.outside.path() / "passwd", site.root / "style.css.br");
  std::filesystem::create_directories(site.root / "img" / "logo.svg.br");
  const Response css = site.accepting("/style.css", "br, gzip");
  CHECK(css.body == "gzip bytes");
  CHECK(header(css, "Content-Encoding") == "gzip");
  CHECK(site.accepting("/style.css", "br").body == "body{}");
  const Response svg = site.accepting("/img/logo.svg", "br");
  CHECK(svg.body == "<svg/>");
  CHECK_FALSE(svg.headers.contains("Content-Encoding"));
  CHECK_FALSE(svg.headers.contains("Vary"));
}

TEST_CASE("a precompressed file asked for by name is sent as it is, and the app shell comes compressed too") {
  Site site;
  test::write_file(site.root / "app.js.gz", "gzip bytes");
  test::write_file(site.root / "index.html.br", "brotli index");
  const Response direct = site.accepting("/app.js.gz", "gzip, br");
  CHECK(direct.body == "gzip bytes");
  CHECK_FALSE(direct.headers.contains("Content-Encoding"));
  CHECK(header(direct, "Content-Type") == "application/gzip");
  const Response shell = site.accepting("/e/somri-21/speakers/3", "br");
  CHECK(shell.body == "brotli index");
  CHECK(header(shell, "Content-Encoding") == "br");
  CHECK(header(shell, "Content-Type") == "text/html; charset=utf-8");
  CHECK(header(shell, "Cache-Control") == "no-cache");
}

TEST_CASE("content-hashed files under /assets/ are kept for a year; the rest revalidate") {
  Site site;
  test::write_file(site.root / "assets" / "app-3f9a2c.js", "console.log('built')");
  test::write_file(site.root / "assets" / "app-3f9a2c.js.br", "brotli bytes");
  test::write_file(site.root / "sw.js", "self.skipWaiting()");
  test::write_file(site.root / "manifest.webmanifest", "{}");
  constexpr std::string_view kYear = "public, max-age=31536000, immutable";
  CHECK(header(site.get("/assets/app-3f9a2c.js"), "Cache-Control") == kYear);
  const Response compressed = site.accepting("/assets/app-3f9a2c.js", "br");
  CHECK(header(compressed, "Cache-Control") == kYear);
  CHECK(header(site.accepting("/assets/app-3f9a2c.js", "br", header(compressed, "ETag")), "Cache-Control") == kYear);
  for (const std::string& revalidated :
       std::vector<std::string>{"/", "/index.html", "/sw.js", "/manifest.webmanifest", "/app.js", "/e/somri-21/"}) {
    CAPTURE(revalidated);
    CHECK(header(site.get(revalidated), "Cache-Control") == "no-cache");
  }
}
