#pragma once
// The HTTP server of `innosim serve` (cpp-httplib): the page's files from
// memory and the JSON API (docs/serve.md). Writes only into its output
// folder, files it names itself.

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "serve/api_json.hpp"
#include "serve/runs.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace innosim::app::serve {

struct ServerConfig {
  std::string bind = "127.0.0.1";
  int port = 8080;                       // 0: any free port
  std::filesystem::path web_dir;         // the page (index.html, *.js, *.css, vendor/)
  std::filesystem::path output_dir;      // what-ifs and run files are written here, nowhere else
  DrawLimits draws;
  std::size_t max_body = 64 * 1024;      // bytes of a request body
};

class Server {
 public:
  // Reads the page's files; throws std::runtime_error if web_dir lacks index.html.
  Server(Runs& runs, ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket; returns the port (config.port, or the one chosen for 0).
  // Throws std::runtime_error if it cannot.
  int bind();
  // Serves until stop() (blocks).
  void listen();
  void stop();

 private:
  struct Asset {
    std::string body;
    std::string type;
  };
  Runs& runs_;
  ServerConfig config_;
  std::unique_ptr<httplib::Server> http_;
  std::map<std::string, Asset> assets_;  // by URL path
  Sessions sessions_;
  int port_ = 0;

  std::mutex files_mutex_;            // held while a file of the output folder is written
  std::set<std::string> files_;       // names written into the output folder, served under /files/

  void load_assets();
  void routes();
  bool host_allowed(const httplib::Request& req) const;
  void on_scenario(httplib::Response& res);
  void on_run(const httplib::Request& req, httplib::Response& res);
  void on_save(const httplib::Request& req, httplib::Response& res);
  void on_runfile(const httplib::Request& req, httplib::Response& res);
  void on_file(const httplib::Request& req, httplib::Response& res);
  std::filesystem::path output_path(const std::string& name) const;
};

}  // namespace innosim::app::serve
