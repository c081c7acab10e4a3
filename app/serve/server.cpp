// The HTTP server of `innosim serve` (server.hpp; routes in docs/serve.md).

#include "serve/server.hpp"

#include <atomic>
#include <cctype>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <httplib.h>

#include "problems.hpp"

namespace innosim::app::serve {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The page may load only what this server serves; charts draw on canvases
// and set inline styles.
constexpr const char* kPagePolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

std::string mime_type(const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  return {};
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& error, const std::string& message) {
  send_json(res, status, {{"error", error}, {"message", message}});
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// The request body as a JSON object; BadRequest if it is not one.
json body_of(const httplib::Request& req) {
  const std::string type = req.get_header_value("Content-Type");
  if (type.rfind("application/json", 0) != 0)
    throw BadRequest(fmt::format("expected a JSON body (Content-Type: application/json), got '{}'", type));
  json body;
  try {
    body = json::parse(req.body);
  } catch (const json::exception& e) {
    throw BadRequest(fmt::format("the request body is not valid JSON: {}", e.what()));
  }
  if (!body.is_object()) throw BadRequest(fmt::format("expected a JSON object, got {}", body.type_name()));
  return body;
}

std::size_t draws_of(const json& body, const DrawLimits& limits) {
  if (!body.contains("draws")) return limits.quick;
  const json& d = body["draws"];
  if (!d.is_number_integer() || d.get<long long>() < 1 || d.get<unsigned long long>() > limits.max)
    throw BadRequest(fmt::format("draws: expected a whole number from 1 to {}, got {}", limits.max, d.dump()));
  return d.get<std::size_t>();
}

// A session id: what the page sends, 1-64 letters, digits, '-' or '_'.
std::string session_of(const json& body) {
  if (!body.contains("session")) return {};
  const json& s = body["session"];
  const auto ok = [](const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (const unsigned char c : id)
      if (!std::isalnum(c) && c != '-' && c != '_') return false;
    return true;
  };
  if (!s.is_string() || !ok(s.get<std::string>()))
    throw BadRequest(fmt::format("session: expected 1 to 64 letters, digits, '-' or '_', got {}", s.dump()));
  return s.get<std::string>();
}

std::optional<std::uint64_t> seq_of(const json& body) {
  if (!body.contains("seq")) return std::nullopt;
  const json& s = body["seq"];
  if (!s.is_number_unsigned()) throw BadRequest(fmt::format("seq: expected a whole number >= 0, got {}", s.dump()));
  return s.get<std::uint64_t>();
}

json problems_json(const ScenarioError& e) {
  json out = json::array();
  for (const Problem& p : problems_in_reading_order(e))
    out.push_back({{"where", p.where.to_string()}, {"key", p.key}, {"message", p.message}, {"text", p.to_string()}});
  return out;
}

// Writes `text` to `path` through a temporary file in the same folder.
void write_text_file(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", tmp.string()));
  }
  fs::rename(tmp, path);
}

}  // namespace

Server::Server(Runs& runs, ServerConfig config)
    : runs_(runs), config_(std::move(config)), http_(std::make_unique<httplib::Server>()) {
  load_assets();
  routes();
}

Server::~Server() = default;

void Server::load_assets() {
  const fs::path& dir = config_.web_dir;
  if (!fs::is_regular_file(dir / "index.html"))
    throw std::runtime_error(fmt::format("the page's files are missing: no index.html in {}", dir.string()));
  for (const auto& e : fs::recursive_directory_iterator(dir, fs::directory_options::follow_directory_symlink)) {
    if (!e.is_regular_file()) continue;
    const std::string type = mime_type(e.path());
    if (type.empty()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    assets_["/" + fs::relative(e.path(), dir).generic_string()] = {std::move(body), type};
  }
  assets_["/"] = assets_.at("/index.html");
}

bool Server::host_allowed(const httplib::Request& req) const {
  // A server on a loopback address answers only requests addressed to it by
  // a loopback name, so that a web site cannot reach it through a DNS name
  // rebound to 127.0.0.1.
  if (!is_loopback(config_.bind)) return true;
  std::string host = req.get_header_value("Host");
  if (const auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos)
    host = host.substr(0, colon);
  else if (host.size() > 2 && host.front() == '[')
    host = host.substr(1, host.find(']') - 1);
  return is_loopback(host);
}

fs::path Server::output_path(const std::string& name) const {
  // Names are made by the server (what-if names, draw counts); checked anyway.
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    throw std::logic_error("output file name '" + name + "' is not a plain file name");
  return config_.output_dir / name;
}

void Server::routes() {
  httplib::Server& h = *http_;
  h.set_payload_max_length(config_.max_body);
  h.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (host_allowed(req)) return httplib::Server::HandlerResponse::Unhandled;
    send_error(res, 403, "forbidden", "this server answers requests to 127.0.0.1 or localhost only");
    return httplib::Server::HandlerResponse::Handled;
  });
  h.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413)
      send_error(res, 413, "too_large", "the request body is larger than the server accepts");
    else
      send_error(res, res.status, "not_found", "no such page or API");
  });
  h.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    send_error(res, 500, "server", what);
  });

  // Every API handler maps the same exceptions to the same answers.
  auto api = [this](void (Server::*handler)(const httplib::Request&, httplib::Response&)) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      try {
        (this->*handler)(req, res);
      } catch (const BadRequest& e) {
        send_error(res, 400, "bad_request", e.what());
      } catch (const InvalidWhatIf& e) {
        send_json(res, 422, {{"error", "invalid"},
                             {"message", fmt::format("{} problem{} found; nothing was computed", e.problems().size(),
                                                     e.problems().size() == 1 ? "" : "s")},
                             {"problems", problems_json(e)},
                             {"whatif", {{"name", e.whatif.name}, {"toml", e.whatif.toml}}}});
      } catch (const RunCancelled& e) {
        send_error(res, 409, "cancelled", e.what());
      } catch (const RunFailed& e) {
        send_error(res, 500, "run_failed", e.what());
      }
    };
  };
  h.Get("/api/scenario", [this](const httplib::Request&, httplib::Response& res) { on_scenario(res); });
  h.Post("/api/run", api(&Server::on_run));
  h.Post("/api/save", api(&Server::on_save));
  h.Post("/api/runfile", api(&Server::on_runfile));
  h.Get(R"(/files/([A-Za-z0-9._-]+))", [this](const httplib::Request& req, httplib::Response& res) { on_file(req, res); });
  h.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
    const auto it = assets_.find(req.path);
    if (it == assets_.end()) return send_error(res, 404, "not_found", "no such page: " + req.path);
    res.set_header("Content-Security-Policy", kPagePolicy);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-cache");
    res.set_content(it->second.body, it->second.type);
  });
}

void Server::on_scenario(httplib::Response& res) {
  const auto plan = runs_.result({}, config_.draws.quick, nullptr);
  send_json(res, 200, scenario_json(runs_.base(), runs_.base_path(), *plan, config_.draws));
}

void Server::on_run(const httplib::Request& req, httplib::Response& res) {
  const json body = body_of(req);
  const Setting setting = parse_setting(runs_.base(), body.value("levers", json::object()));
  const std::size_t draws = draws_of(body, config_.draws);
  const std::string session = session_of(body);
  const auto seq = seq_of(body);
  // Without a session a request is on its own: nothing cancels it.
  const auto cancel = session.empty() ? std::make_shared<std::atomic<bool>>(false) : sessions_.begin(session, seq);
  if (!cancel) throw RunCancelled();
  bool cached = false;
  const auto result = runs_.result(setting, draws, cancel.get(), &cached);
  const auto plan = runs_.result({}, draws, cancel.get());
  // Names and units are the served scenario's: a what-if changes only levers.
  json out = result_json(runs_.base(), *result);
  out["cached"] = cached;
  out["changed"] = result->name != runs_.base().name;
  out["plan"] = result_json(runs_.base(), *plan);
  std::cerr << fmt::format("innosim serve: {} at {} draws: {}\n", result->name, draws,
                           cached ? "from the cache" : fmt::format("{:.2f} s", result->info.seconds));
  send_json(res, 200, out);
}

void Server::on_save(const httplib::Request& req, httplib::Response& res) {
  const json body = body_of(req);
  const CheckedWhatIf w = runs_.check(parse_setting(runs_.base(), body.value("levers", json::object())));
  if (w.whatif.toml.empty())
    throw BadRequest(fmt::format("nothing to save: every lever is at its value in {} ({})", runs_.base().name,
                                 runs_.base_path()));
  const std::string file = w.whatif.name + ".toml";
  const fs::path path = output_path(file);
  {
    std::lock_guard lock(files_mutex_);
    write_text_file(path, w.whatif.toml);
    files_.insert(file);
  }
  std::cerr << fmt::format("innosim serve: saved {}\n", path.string());
  send_json(res, 200,
            {{"name", w.whatif.name}, {"file", file}, {"path", path.string()}, {"url", "/files/" + file},
             {"toml", w.whatif.toml}});
}

void Server::on_runfile(const httplib::Request& req, httplib::Response& res) {
  const json body = body_of(req);
  const CheckedWhatIf w = runs_.check(parse_setting(runs_.base(), body.value("levers", json::object())));
  const std::size_t draws = draws_of(body, config_.draws);
  const std::string file = fmt::format("{}-n{}.h5", w.whatif.name, draws);
  const fs::path path = output_path(file);
  {
    std::lock_guard lock(files_mutex_);
    if (!files_.contains(file)) {
      runs_.write_run_file(w, draws, path.string(), nullptr);
      files_.insert(file);
      std::cerr << fmt::format("innosim serve: wrote {}\n", path.string());
    }
  }
  send_json(res, 200, {{"name", w.whatif.name}, {"file", file}, {"path", path.string()}, {"url", "/files/" + file},
                       {"draws", draws}});
}

void Server::on_file(const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1];
  {
    std::lock_guard lock(files_mutex_);
    if (!files_.contains(name)) return send_error(res, 404, "not_found", "no file '" + name + "' was written here");
  }
  const fs::path path = output_path(name);
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return send_error(res, 404, "not_found", fmt::format("{} is gone: {}", path.string(), ec.message()));
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  res.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", name));
  res.set_header("Cache-Control", "no-store");
  const std::string type = name.ends_with(".toml") ? "application/toml; charset=utf-8" : "application/x-hdf5";
  res.set_content_provider(static_cast<std::size_t>(size), type,
                           [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             std::string buf(std::min<std::size_t>(length, 1 << 16), '\0');
                             in->seekg(static_cast<std::streamoff>(offset));
                             in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
                             const auto got = static_cast<std::size_t>(in->gcount());
                             if (got == 0) return false;
                             sink.write(buf.data(), got);
                             return true;
                           });
}

int Server::bind() {
  port_ = config_.port == 0 ? http_->bind_to_any_port(config_.bind) : (http_->bind_to_port(config_.bind, config_.port) ? config_.port : -1);
  if (port_ <= 0)
    throw std::runtime_error(fmt::format("cannot listen on {} port {} (in use, or not an address of this machine); "
                                         "choose another with --port, or --port 0 for any free one",
                                         config_.bind, config_.port));
  return port_;
}

void Server::listen() { http_->listen_after_bind(); }

void Server::stop() { http_->stop(); }

}  // namespace innosim::app::serve
