#pragma once
// Accumulators whose state is saved (shard files, checkpoints) and appended
// range after range, and the named arrays that state is saved as. A run cut
// into ranges of draws (shards, checkpointed segments) builds one accumulator
// per range; appending the state of the next range must give, bit for bit,
// what one accumulator fed both ranges holds. Integer counts do that by
// construction. The joint target counts (targets.hpp) are one; the run state
// (run_state.hpp) holds them. The pipeline feeds them every block in draw
// order from its serial last stage; a DrawAccumulator (draw_accumulator.hpp)
// is the in-memory, per-thread kind.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace innosim {

// A saved state that cannot be read back: names the object and what is wrong.
class StateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where a state is saved: named 1-D arrays and named groups. Implemented on
// HDF5 groups by the outputs module and in memory by MemoryState.
class StateOut {
 public:
  virtual ~StateOut() = default;
  virtual void put_u64(const std::string& name, std::span<const std::uint64_t> v) = 0;
  virtual void put_i64(const std::string& name, std::span<const std::int64_t> v) = 0;
  virtual void put_f64(const std::string& name, std::span<const double> v) = 0;
  virtual std::unique_ptr<StateOut> group(const std::string& name) = 0;
};

// Reads a saved state back; every getter throws StateError naming the object
// when it is missing or of another type.
class StateIn {
 public:
  virtual ~StateIn() = default;
  virtual std::vector<std::uint64_t> u64(const std::string& name) const = 0;
  virtual std::vector<std::int64_t> i64(const std::string& name) const = 0;
  virtual std::vector<double> f64(const std::string& name) const = 0;
  virtual std::unique_ptr<StateIn> group(const std::string& name) const = 0;
  virtual bool has(const std::string& name) const = 0;
  // "file: /partial/joint", for messages.
  virtual std::string where(const std::string& name) const = 0;

  // An array that must have `n` entries.
  std::vector<std::uint64_t> u64(const std::string& name, std::size_t n) const;
  std::vector<double> f64(const std::string& name, std::size_t n) const;
};

// The draws of one block, in draw order, as the pipeline's last stage has
// them. Per-draw arrays are draw-major.
struct DrawBlock {
  std::uint64_t first = 0;
  std::size_t count = 0;
  std::span<const double> theta;          // [count][parameters]
  std::span<const double> targets;        // [count][targets]; NaN for an invalid draw
  std::span<const std::uint8_t> valid;    // [count]: 1 = the draw ran
};

class StateAccumulator {
 public:
  virtual ~StateAccumulator() = default;
  // Its group in shard and checkpoint files; unique within a run.
  virtual std::string name() const = 0;
  // One of the same kind and sizes, with no draws.
  virtual std::unique_ptr<StateAccumulator> empty() const = 0;
  virtual void add(const DrawBlock& block) = 0;
  // this := this followed by `later`, an accumulator of the same kind over
  // the draws right after this one's. Exact: equal to feeding both ranges.
  virtual void append(const StateAccumulator& later) = 0;
  virtual void save(StateOut& out) const = 0;
  // Into an empty() one; throws StateError when the saved sizes differ.
  virtual void load(const StateIn& in) = 0;
};

// A StateOut/StateIn in memory (tests). Groups share the storage of their parent.
class MemoryState : public StateOut, public StateIn {
 public:
  MemoryState();
  void put_u64(const std::string& name, std::span<const std::uint64_t> v) override;
  void put_i64(const std::string& name, std::span<const std::int64_t> v) override;
  void put_f64(const std::string& name, std::span<const double> v) override;
  std::unique_ptr<StateOut> group(const std::string& name) override;
  std::vector<std::uint64_t> u64(const std::string& name) const override;
  std::vector<std::int64_t> i64(const std::string& name) const override;
  std::vector<double> f64(const std::string& name) const override;
  std::unique_ptr<StateIn> group(const std::string& name) const override;
  bool has(const std::string& name) const override;
  std::string where(const std::string& name) const override { return "state: " + name; }
  using StateIn::f64;
  using StateIn::u64;

 private:
  struct Node;
  explicit MemoryState(std::shared_ptr<Node> n) : node_(std::move(n)) {}
  std::shared_ptr<Node> node_;
};

}  // namespace innosim
