#include "innosim/run/state_accumulator.hpp"

#include <map>

namespace innosim {

namespace {

template <class T>
std::vector<T> sized(std::vector<T> v, std::size_t n, const StateIn& in, const std::string& name) {
  if (v.size() != n)
    throw StateError(in.where(name) + ": " + std::to_string(v.size()) + " entries, expected " + std::to_string(n));
  return v;
}

template <class T>
std::vector<T> find(const std::map<std::string, std::vector<T>>& m, const std::string& name, const StateIn& in) {
  const auto it = m.find(name);
  if (it == m.end()) throw StateError(in.where(name) + ": missing");
  return it->second;
}

}  // namespace

std::vector<std::uint64_t> StateIn::u64(const std::string& name, std::size_t n) const {
  return sized(u64(name), n, *this, name);
}

std::vector<double> StateIn::f64(const std::string& name, std::size_t n) const {
  return sized(f64(name), n, *this, name);
}

struct MemoryState::Node {
  std::map<std::string, std::vector<std::uint64_t>> u64;
  std::map<std::string, std::vector<std::int64_t>> i64;
  std::map<std::string, std::vector<double>> f64;
  std::map<std::string, std::shared_ptr<Node>> groups;
};

MemoryState::MemoryState() : node_(std::make_shared<Node>()) {}

void MemoryState::put_u64(const std::string& name, std::span<const std::uint64_t> v) {
  node_->u64[name].assign(v.begin(), v.end());
}
void MemoryState::put_i64(const std::string& name, std::span<const std::int64_t> v) {
  node_->i64[name].assign(v.begin(), v.end());
}
void MemoryState::put_f64(const std::string& name, std::span<const double> v) {
  node_->f64[name].assign(v.begin(), v.end());
}
std::unique_ptr<StateOut> MemoryState::group(const std::string& name) {
  auto& g = node_->groups[name];
  if (!g) g = std::make_shared<Node>();
  return std::unique_ptr<StateOut>(new MemoryState(g));
}
std::vector<std::uint64_t> MemoryState::u64(const std::string& name) const { return find(node_->u64, name, *this); }
std::vector<std::int64_t> MemoryState::i64(const std::string& name) const { return find(node_->i64, name, *this); }
std::vector<double> MemoryState::f64(const std::string& name) const { return find(node_->f64, name, *this); }
std::unique_ptr<StateIn> MemoryState::group(const std::string& name) const {
  const auto it = node_->groups.find(name);
  if (it == node_->groups.end()) throw StateError(where(name) + ": missing");
  return std::unique_ptr<StateIn>(new MemoryState(it->second));
}
bool MemoryState::has(const std::string& name) const {
  return node_->u64.count(name) || node_->i64.count(name) || node_->f64.count(name) || node_->groups.count(name);
}

}  // namespace innosim
